import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Size at which `commands.jsonl` is moved to `commands.jsonl.1`, bytes. Default 1 MiB. */
export const DEFAULT_COMMAND_LOG_BYTES = 1024 * 1024;

/**
 * The human-readable command log: one JSON line per status change, appended
 * in order. Bounded: past `maxBytes` the file becomes `<path>.1` (replacing
 * the previous one) and a new one starts, so at most two files, about
 * 2 x `maxBytes`, are kept.
 */
export class CommandLogFile {
  private readonly path: string;
  private readonly maxBytes: number;
  private bytes = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(path: string, maxBytes = DEFAULT_COMMAND_LOG_BYTES) {
    this.path = path;
    this.maxBytes = maxBytes;
  }

  /** Learns the current size. */
  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.bytes = await stat(this.path).then((s) => s.size, () => 0);
  }

  /** Queues one entry; resolves when it is written. Rejections are the caller's to log. */
  append(entry: object): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    const run = this.chain.then(() => this.write(line));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves when everything queued so far is written. */
  flushed(): Promise<void> {
    return this.chain;
  }

  /** The entries of `<path>.1` then `<path>`, oldest first; lines that do not parse are skipped. */
  async readAll(): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const file of [`${this.path}.1`, this.path]) {
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const line of text.split('\n')) {
        if (line === '') continue;
        try {
          out.push(JSON.parse(line));
        } catch {
          // a line torn by a power cut
        }
      }
    }
    return out;
  }

  private async write(line: string): Promise<void> {
    const size = Buffer.byteLength(line);
    if (this.bytes > 0 && this.bytes + size > this.maxBytes) {
      await rename(this.path, `${this.path}.1`);
      this.bytes = 0;
    }
    await appendFile(this.path, line);
    this.bytes += size;
  }
}
