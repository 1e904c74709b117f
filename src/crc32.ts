/**
 * CRC-32 (IEEE 802.3, zlib's: reflected polynomial 0xEDB88320, initial and
 * final XOR 0xFFFFFFFF) of the spool's records, ~140 bytes each, two or
 * more per frame, computed on write and checked on read-back. `zlib.crc32`
 * gives the same value but costs a native call and a `subarray` per record:
 * ~230 ns for 140 bytes of a Buffer, against ~100 ns for this table-driven
 * JavaScript (eight tables, eight bytes per step) on the bench machine. For
 * a string (the serial line's CRC) zlib's is the faster one (~170 ns): it
 * encodes the string itself. test/spool/crc32.test.ts holds both equal.
 */
const T = new Int32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = T[n];
  for (let k = 1; k < 8; k++) {
    c = T[c & 0xff] ^ (c >>> 8);
    T[k * 256 + n] = c;
  }
}

/** CRC-32 of `buf[start, end)`, as an unsigned 32-bit number. */
export function crc32Bytes(buf: Uint8Array, start: number, end: number): number {
  let c = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    c ^= buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
    c = T[1792 + (c & 0xff)] ^ T[1536 + ((c >>> 8) & 0xff)] ^ T[1280 + ((c >>> 16) & 0xff)] ^ T[1024 + (c >>> 24)] ^
      T[768 + buf[i + 4]] ^ T[512 + buf[i + 5]] ^ T[256 + buf[i + 6]] ^ T[buf[i + 7]];
  }
  for (; i < end; i++) c = T[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
