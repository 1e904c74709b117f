/**
 * One 512-byte POSIX ustar header (IEEE Std 1003.1, "pax" chapter, ustar
 * format): only what a backup archive needs, regular files with names up to
 * 100 bytes. Pure functions over Buffers.
 *
 * | field | offset | bytes |
 * |---|---|---|
 * | name | 0 | 100 |
 * | mode, uid, gid (octal) | 100, 108, 116 | 8 each |
 * | size, mtime (octal) | 124, 136 | 12 each |
 * | chksum (octal, sum of the header bytes with this field as spaces) | 148 | 8 |
 * | typeflag (`0` regular file) | 156 | 1 |
 * | magic `ustar\0`, version `00` | 257, 263 | 6, 2 |
 * | uname, gname | 265, 297 | 32 each |
 * | prefix (joined to name with `/`) | 345 | 155 |
 */

/** Bytes of a tar block (headers and the padding of member data). */
export const BLOCK_BYTES = 512;
/** Largest member size the 11 octal digits of `size` hold: 8 GiB - 1. */
export const MAX_MEMBER_BYTES = 8 ** 11 - 1;

/** What a header says about a member. */
export interface TarHeader {
  /** Path inside the archive, `/`-separated, relative. */
  readonly name: string;
  /** Bytes of data after the header. */
  readonly size: number;
  /** Permission bits, e.g. 0o644. */
  readonly mode: number;
  /** Modification time, s since the epoch. */
  readonly mtimeS: number;
}

const octal = (buf: Buffer, at: number, width: number, value: number): void => {
  buf.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, width, 'ascii');
};

const text = (buf: Buffer, at: number, width: number): string => {
  const field = buf.subarray(at, at + width);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end < 0 ? width : end);
};

const number = (buf: Buffer, at: number, width: number): number => {
  const s = text(buf, at, width).trim();
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : Number.NaN;
};

const checksum = (block: Buffer): number => {
  let sum = 0;
  for (let i = 0; i < BLOCK_BYTES; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum;
};

/** True for a safe member name: relative, no `..`, no empty part, at most 100 bytes. */
export const isSafeName = (name: string): boolean =>
  Buffer.byteLength(name) <= 100 && name !== '' && !name.startsWith('/') && name.split('/').every((p) => p !== '' && p !== '.' && p !== '..');

/** The header block of a regular file. Throws a RangeError for a name {@link isSafeName} refuses or a size past {@link MAX_MEMBER_BYTES}. */
export function encodeHeader(h: TarHeader): Buffer {
  if (!isSafeName(h.name)) throw new RangeError(`tar member name ${JSON.stringify(h.name)}: not a relative path of at most 100 bytes`);
  if (!Number.isSafeInteger(h.size) || h.size < 0 || h.size > MAX_MEMBER_BYTES) throw new RangeError(`tar member ${h.name}: size ${h.size} out of range`);
  const block = Buffer.alloc(BLOCK_BYTES);
  block.write(h.name, 0, 100, 'utf8');
  octal(block, 100, 8, h.mode & 0o7777);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, h.size);
  octal(block, 136, 12, Math.max(0, Math.floor(h.mtimeS)));
  block.write('0', 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  block.write(`${checksum(block).toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

/** True for an all-zero block (two of them end an archive). */
export const isZeroBlock = (block: Buffer): boolean => block.every((b) => b === 0);

/**
 * Decodes a header block; returns what is wrong as a string when it is not a
 * ustar header of a regular file with a safe name (bad checksum, other
 * magic, a link or directory, `..` in the name).
 */
export function decodeHeader(block: Buffer): TarHeader | string {
  if (block.length !== BLOCK_BYTES) return `header block of ${block.length} bytes, not ${BLOCK_BYTES}`;
  const stored = number(block, 148, 8);
  if (stored !== checksum(block)) return 'header checksum does not match (damaged, or not a tar archive)';
  if (block.toString('ascii', 257, 262) !== 'ustar') return 'not a ustar header';
  const type = block[156];
  if (type !== 0x30 && type !== 0) return `member type ${JSON.stringify(String.fromCharCode(type))} is not a regular file`;
  const prefix = text(block, 345, 155);
  const name = prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100);
  if (!isSafeName(name)) return `member name ${JSON.stringify(name)} is not a safe relative path`;
  const size = number(block, 124, 12);
  if (!Number.isSafeInteger(size)) return `member ${name}: size field is not a number`;
  return { name, size, mode: number(block, 100, 8) || 0, mtimeS: number(block, 136, 12) || 0 };
}

/** Zero bytes after `size` bytes of data, up to the next block boundary. */
export const paddingOf = (size: number): number => (BLOCK_BYTES - (size % BLOCK_BYTES)) % BLOCK_BYTES;
