import test from 'ava';
import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { crc32Bytes } from '../../src/crc32.ts';

test('crc32Bytes equals zlib.crc32 on any bytes and any part of a buffer', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
      const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
      const end = start + (b % (bytes.length - start + 1));
      return crc32Bytes(bytes, start, end) === crc32(bytes.subarray(start, end));
    }),
    { numRuns: 2000 },
  );
  t.is(crc32Bytes(Buffer.from('123456789'), 0, 9), 0xcbf43926, 'the standard check value');
  t.is(crc32Bytes(Buffer.alloc(0), 0, 0), 0);
});
