import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { fsyncDir } from '../spool/cursor-file.ts';
import { BLOCK_BYTES, encodeHeader, paddingOf } from './ustar-header.ts';
import { dirname } from 'node:path';

/** One file to put in the archive: its bytes in memory, or a file of known, fixed size to stream. */
export interface TarMember {
  /** Path inside the archive (relative, `/`-separated, at most 100 bytes). */
  readonly name: string;
  /** Permission bits; 0o600 for secrets, else 0o644. */
  readonly mode: number;
  /** The bytes, or a file that will not change while it is written (a staged copy). */
  readonly source: { readonly data: Buffer } | { readonly path: string; readonly size: number };
}

async function* tarBlocks(members: readonly TarMember[], mtimeS: number): AsyncGenerator<Buffer> {
  for (const m of members) {
    const size = 'data' in m.source ? m.source.data.length : m.source.size;
    yield encodeHeader({ name: m.name, size, mode: m.mode, mtimeS });
    if ('data' in m.source) yield m.source.data;
    else {
      let got = 0;
      for await (const chunk of createReadStream(m.source.path)) {
        got += (chunk as Buffer).length;
        if (got > size) throw new Error(`${m.source.path} grew while it was archived (${size} bytes expected)`);
        yield chunk as Buffer;
      }
      if (got !== size) throw new Error(`${m.source.path} shrank while it was archived (${got} of ${size} bytes)`);
    }
    const pad = paddingOf(size);
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(2 * BLOCK_BYTES);
}

/**
 * Writes `members` as a gzip-compressed ustar archive to `file`, atomically:
 * `<file>.tmp`, fsync, rename, fsync of the directory; a failure leaves no
 * file behind. `mtimeS` (s since the epoch) dates every member.
 *
 * Written here rather than with the `tar` package from npm: a backup needs
 * only regular files with short names, which is a 512-byte header and
 * padding (ustar-header.ts), about 100 lines with the reader; the reader
 * never creates a file from a name in the archive (restore knows each
 * member's destination itself), so the path-traversal and link attacks that
 * tar extractors have to defend against cannot arise, and there is no
 * dependency to keep up to date. GNU tar, bsdtar and Python's tarfile read
 * the result (`tar tzf`).
 */
export async function writeTarGz(file: string, members: readonly TarMember[], mtimeS: number): Promise<void> {
  const tmp = `${file}.tmp`;
  try {
    await pipeline(tarBlocks(members, mtimeS), createGzip(), createWriteStream(tmp, { mode: 0o600 }));
    const handle = await open(tmp, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
    await fsyncDir(dirname(file));
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
