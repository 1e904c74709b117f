import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GatewayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { writeRejected } from './write-rejected.ts';

/** Default most files kept in `rejected/`; past it the oldest are deleted. */
export const DEFAULT_REJECTED_MAX_FILES = 1000;
/** Default most bytes kept in `rejected/` (64 MiB); past it the oldest files are deleted. */
export const DEFAULT_REJECTED_MAX_BYTES = 64 * 1024 * 1024;

/** Options of {@link RejectedStore}. */
export interface RejectedStoreOptions {
  /** Directory of the rejected batches, e.g. `<dataDir>/rejected`. Created on the first batch. */
  dir: string;
  log: Logger;
  /** Most `.lp` files kept. Default {@link DEFAULT_REJECTED_MAX_FILES}. */
  maxFiles?: number;
  /** Most bytes of `.lp` files kept. Default {@link DEFAULT_REJECTED_MAX_BYTES}. */
  maxBytes?: number;
  /** Wall clock, ms since epoch; names the files. Default `Date.now`. */
  now?: () => number;
}

/** Counters of {@link RejectedStore} (since start) and what `rejected/` holds now. */
export interface RejectedStats {
  /** Lines set aside. */
  rejectedLines: number;
  /** Files written. */
  rejectedFiles: number;
  /** Oldest files deleted to stay within the bounds, and their lines' bytes. */
  deletedFiles: number;
  deletedBytes: number;
  /** Batches that could not be written (directory unwritable, disk full); they stay in the spool. */
  failures: number;
  /** `.lp` files and their bytes in the directory now. */
  files: number;
  bytes: number;
}

interface Entry { name: string; bytes: number }

/** A batch could not be set aside; retryable, the batch stays where it was. */
export class RejectedUnwritableError extends GatewayError {}

/**
 * `<dataDir>/rejected/`: batches the server refused for good (400/422), one
 * line-protocol file each (see write-rejected.ts), bounded by `maxFiles` and
 * `maxBytes`: after each new file the oldest files (by name, which is the ISO
 * time they were written) are deleted until both bounds hold; the newest file
 * is always kept. Deletions are counted and logged. The directory is listed
 * once, on the first batch, and tracked in memory after that.
 */
export class RejectedStore {
  private readonly o: Required<Omit<RejectedStoreOptions, 'log'>>;
  private readonly log: Logger;
  private entries: Entry[] | undefined;
  private readonly counters = { rejectedLines: 0, rejectedFiles: 0, deletedFiles: 0, deletedBytes: 0, failures: 0 };

  constructor(options: RejectedStoreOptions) {
    this.o = {
      dir: options.dir,
      maxFiles: options.maxFiles ?? DEFAULT_REJECTED_MAX_FILES,
      maxBytes: options.maxBytes ?? DEFAULT_REJECTED_MAX_BYTES,
      now: options.now ?? Date.now,
    };
    this.log = options.log.child({ stage: 'rejected', dir: options.dir });
  }

  /** The directory, for messages. */
  get dir(): string {
    return this.o.dir;
  }

  /**
   * Writes `lines` under a `# reason` header and applies the bounds; resolves
   * with the file's path. Throws {@link RejectedUnwritableError} (counted) when
   * the file cannot be written whole; nothing is left behind then.
   */
  async put(lines: readonly string[], reason: string): Promise<string> {
    let written;
    try {
      await this.load();
      written = await writeRejected(this.o.dir, new Date(this.o.now()), lines, reason);
    } catch (err) {
      this.counters.failures += 1;
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new RejectedUnwritableError('REJECTED_UNWRITABLE', `${this.o.dir}: cannot set aside rejected lines (${code})`, {
        retryable: true,
        cause: err,
      });
    }
    const name = written.path.slice(this.o.dir.length + 1);
    this.entries?.push({ name, bytes: written.bytes });
    this.counters.rejectedLines += lines.length;
    this.counters.rejectedFiles += 1;
    const deleted = await this.trim();
    this.log.warn({ file: written.path, lines: lines.length, reason, ...(deleted > 0 ? { deletedOldFiles: deleted } : {}) }, 'batch rejected by the server: set aside');
    return written.path;
  }

  /** Counters since start and the directory's current size. */
  stats(): RejectedStats {
    const entries = this.entries ?? [];
    return { ...this.counters, files: entries.length, bytes: entries.reduce((n, e) => n + e.bytes, 0) };
  }

  private async load(): Promise<void> {
    if (this.entries) return;
    let names: string[] = [];
    try {
      names = (await readdir(this.o.dir)).filter((n) => n.endsWith('.lp'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const entries: Entry[] = [];
    for (const name of names.sort()) {
      const s = await stat(join(this.o.dir, name)).catch(() => undefined);
      if (s?.isFile()) entries.push({ name, bytes: s.size });
    }
    this.entries = entries;
  }

  /** Deletes the oldest files past the bounds; resolves with how many went. */
  private async trim(): Promise<number> {
    const entries = this.entries ?? [];
    let bytes = entries.reduce((n, e) => n + e.bytes, 0);
    let deleted = 0;
    while (entries.length > 1 && (entries.length > this.o.maxFiles || bytes > this.o.maxBytes)) {
      const oldest = entries.shift() as Entry;
      bytes -= oldest.bytes;
      await unlink(join(this.o.dir, oldest.name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') this.log.warn({ err, file: oldest.name }, 'could not delete an old rejected file');
      });
      deleted += 1;
      this.counters.deletedFiles += 1;
      this.counters.deletedBytes += oldest.bytes;
    }
    if (deleted > 0 && (this.counters.deletedFiles === deleted || this.counters.deletedFiles % 100 < deleted)) {
      this.log.warn(
        { deletedFiles: this.counters.deletedFiles, deletedBytes: this.counters.deletedBytes, maxFiles: this.o.maxFiles, maxBytes: this.o.maxBytes },
        'rejected/ full: oldest files deleted',
      );
    }
    return deleted;
  }
}
