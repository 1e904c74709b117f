import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { BackupError } from './backup-error.ts';
import { BLOCK_BYTES, decodeHeader, isZeroBlock, paddingOf, type TarHeader } from './ustar-header.ts';

/** Receives one member's bytes, in order (synchronously, as they are decompressed); `end` after the last. */
export interface MemberSink {
  write(chunk: Buffer): void;
  end(): void;
}

/** Chooses what to do with a member: a sink for its bytes, or undefined to skip them. */
export type MemberVisitor = (header: TarHeader) => MemberSink | undefined;

type State = { kind: 'header' } | { kind: 'data'; header: TarHeader; left: number; sink?: MemberSink } | { kind: 'pad'; left: number } | { kind: 'end' };

/** Decompressed output per chunk, bytes: small, so a damaged gzip stream is placed within a few KiB. */
const GUNZIP_CHUNK_BYTES = 4096;

/**
 * A ustar stream parser: feed it decompressed bytes in any pieces. Members'
 * bytes go to the sinks `visit` returns; nothing is written to disk here.
 */
class TarParser {
  state: State = { kind: 'header' };
  last: string | undefined;
  /** Decompressed bytes taken so far. */
  offset = 0;
  private pending = Buffer.alloc(0);

  constructor(private readonly visit: MemberVisitor, private readonly damaged: (why: string) => BackupError) {}

  /** Where the parser is, for messages: `inside member x`, `after member x`, `at the start`. */
  where(): string {
    return this.state.kind === 'data' ? `inside member ${this.state.header.name}` : this.last ? `after member ${this.last}` : 'at the start';
  }

  feed(chunk: Buffer): void {
    this.offset += chunk.length;
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (this.state.kind !== 'end' && (buf.length > 0 || (this.state.kind === 'data' && this.state.left === 0))) {
      const s = this.state;
      if (s.kind === 'header') {
        if (buf.length < BLOCK_BYTES) { this.pending = Buffer.from(buf); return; }
        const block = buf.subarray(0, BLOCK_BYTES);
        buf = buf.subarray(BLOCK_BYTES);
        if (isZeroBlock(block)) { this.state = { kind: 'end' }; return; }
        const header = decodeHeader(block);
        if (typeof header === 'string') throw this.damaged(header);
        this.state = { kind: 'data', header, left: header.size, sink: this.visit(header) };
      } else if (s.kind === 'data') {
        const take = buf.subarray(0, Math.min(s.left, buf.length));
        buf = buf.subarray(take.length);
        s.left -= take.length;
        if (take.length > 0) s.sink?.write(take);
        if (s.left === 0) {
          s.sink?.end();
          this.last = s.header.name;
          this.state = { kind: 'pad', left: paddingOf(s.header.size) };
        }
      } else if (s.kind === 'pad') {
        const skip = Math.min(s.left, buf.length);
        buf = buf.subarray(skip);
        s.left -= skip;
        if (s.left === 0) this.state = { kind: 'header' };
      }
    }
  }

  /** Checks the archive ended on a member boundary. */
  finish(): void {
    const { state } = this;
    if (state.kind === 'end' || (state.kind === 'pad' && this.last !== undefined)) return;
    if (state.kind === 'header' && this.last !== undefined && this.pending.length === 0) return; // no end blocks, every member whole
    throw this.damaged('the archive ends early (truncated?)');
  }
}

/**
 * Reads a gzip-compressed ustar archive as a stream (never all in memory),
 * handing each member's bytes to the sink `visit` returns, as they are
 * decompressed. Throws a {@link BackupError} (`BACKUP_ARCHIVE_DAMAGED`, bad
 * input) naming the archive and where it broke: inside which member, or
 * after which one (a damaged gzip stream, a bad header, an early end).
 * Errors a visitor or sink throws pass through unchanged.
 */
export function readTarGz(file: string, visit: MemberVisitor): Promise<void> {
  return new Promise((resolve, reject) => {
    const damaged = (why: string): BackupError => new BackupError('BACKUP_ARCHIVE_DAMAGED', `${file}: archive damaged ${parser.where()}: ${why}`, { badInput: true });
    const parser = new TarParser(visit, damaged);
    const input = createReadStream(file);
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
    let done = false;
    const fail = (error: unknown): void => {
      if (done) return;
      done = true;
      input.destroy();
      gunzip.destroy();
      const code = (error as NodeJS.ErrnoException).code;
      if (error instanceof BackupError || error instanceof Error && !code) return reject(error);
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
        return reject(new BackupError('BACKUP_ARCHIVE_UNREADABLE', `${file}: cannot read the archive: ${code}`, { badInput: true, cause: error }));
      }
      if (code?.startsWith('Z_')) {
        return reject(new BackupError('BACKUP_ARCHIVE_DAMAGED', `${file}: archive damaged ${parser.where()} (gzip stream broken after ${parser.offset} decompressed bytes: ${(error as Error).message})`, { badInput: true, cause: error }));
      }
      reject(error);
    };
    input.on('error', fail);
    gunzip.on('error', fail);
    gunzip.on('data', (chunk: Buffer) => {
      try {
        if (!done) parser.feed(chunk);
      } catch (error) {
        fail(error);
      }
    });
    gunzip.on('end', () => {
      if (done) return;
      try {
        parser.finish();
        done = true;
        resolve();
      } catch (error) {
        fail(error);
      }
    });
    input.pipe(gunzip);
  });
}
