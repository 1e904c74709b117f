import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { BackupError } from './backup-error.ts';
import { BLOCK_BYTES, decodeHeader, isZeroBlock, paddingOf, type TarHeader } from './ustar-header.ts';

/** Receives one member's bytes, in order; `end` after the last. */
export interface MemberSink {
  write(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

/** Chooses what to do with a member: a sink for its bytes, or undefined to skip them. */
export type MemberVisitor = (header: TarHeader) => MemberSink | undefined | Promise<MemberSink | undefined>;

type State = { kind: 'header' } | { kind: 'data'; header: TarHeader; left: number; sink?: MemberSink } | { kind: 'pad'; left: number } | { kind: 'end' };

/**
 * Reads a gzip-compressed ustar archive as a stream (never all in memory),
 * handing each member's bytes to the sink `visit` returns. Nothing is written
 * to disk here. Throws a {@link BackupError} (`BACKUP_ARCHIVE_DAMAGED`, bad
 * input) naming the archive and where it broke: inside which member, or
 * after which one (a damaged gzip stream, a bad header, an early end).
 * Errors a sink throws pass through unchanged.
 */
export async function readTarGz(file: string, visit: MemberVisitor): Promise<void> {
  let state: State = { kind: 'header' };
  let last: string | undefined;
  let pending = Buffer.alloc(0);
  const where = (): string => (state.kind === 'data' ? `inside member ${state.header.name}` : last ? `after member ${last}` : 'at the start');
  const damaged = (why: string, cause?: unknown): BackupError =>
    new BackupError('BACKUP_ARCHIVE_DAMAGED', `${file}: archive damaged ${where()}: ${why}`, { badInput: true, cause });
  const input = createReadStream(file).pipe(createGunzip());
  try {
    for await (const chunk of input) {
      let buf = pending.length > 0 ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
      pending = Buffer.alloc(0);
      while (buf.length > 0 && state.kind !== 'end') {
        if (state.kind === 'header') {
          if (buf.length < BLOCK_BYTES) { pending = Buffer.from(buf); break; }
          const block = buf.subarray(0, BLOCK_BYTES);
          buf = buf.subarray(BLOCK_BYTES);
          if (isZeroBlock(block)) { state = { kind: 'end' }; break; }
          const header = decodeHeader(block);
          if (typeof header === 'string') throw damaged(header);
          state = { kind: 'data', header, left: header.size, sink: await visit(header) };
        } else if (state.kind === 'data') {
          const take = buf.subarray(0, Math.min(state.left, buf.length));
          buf = buf.subarray(take.length);
          state.left -= take.length;
          if (take.length > 0) await state.sink?.write(take);
          if (state.left === 0) {
            await state.sink?.end();
            last = state.header.name;
            state = { kind: 'pad', left: paddingOf(state.header.size) };
          }
        } else if (state.kind === 'pad') {
          const skip = Math.min(state.left, buf.length);
          buf = buf.subarray(skip);
          state.left -= skip;
          if (state.left === 0) state = { kind: 'header' };
        }
      }
      if (state.kind === 'data' && state.left === 0) {
        await state.sink?.end();
        last = state.header.name;
        state = { kind: 'pad', left: paddingOf(state.header.size) };
      }
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new BackupError('BACKUP_ARCHIVE_UNREADABLE', `${file}: cannot read the archive: ${code}`, { badInput: true, cause: error });
    }
    if (typeof code === 'string' && code.startsWith('Z_')) throw damaged(`gzip data: ${(error as Error).message}`, error);
    throw error;
  }
  if (state.kind === 'header' && last !== undefined && pending.length === 0) return; // no end blocks: tolerated, every member was whole
  if (state.kind !== 'end' && state.kind !== 'pad') throw damaged('the archive ends early (truncated?)');
}
