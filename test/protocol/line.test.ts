import test from 'ava';
import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { decodeLine, encodeLine, MAX_LINE_BYTES, ProtocolError } from '../../src/protocol/index.ts';
import { lineField, tag } from './arbitraries.ts';

const encodeRejections: Array<[name: string, tag: string, fields: string[], code: string]> = [
  ['field with a comma is refused', 'TX', ['a,b'], 'BAD_FIELD'],
  ['field with a star is refused', 'TX', ['a*b'], 'BAD_FIELD'],
  ['field with CR is refused', 'TX', ['a\rb'], 'BAD_FIELD'],
  ['field with LF is refused', 'TX', ['a\nb'], 'BAD_FIELD'],
  ['lower-case tag is refused', 'tx', ['1'], 'BAD_FIELD'],
  ['empty tag is refused', '', ['1'], 'BAD_FIELD'],
  ['line over 1024 bytes is refused', 'TX', ['a'.repeat(MAX_LINE_BYTES)], 'TOO_LONG'],
];

for (const [name, t0, fields, code] of encodeRejections) {
  test(`encodeLine: ${name}`, (t) => {
    const error = t.throws(() => encodeLine(t0, fields), { instanceOf: ProtocolError });
    t.is<string | undefined, string | undefined>(error?.code, code);
  });
}

test('encodeLine returns the line without a newline and with a lower-case CRC', (t) => {
  t.is(encodeLine('TIME', ['1700000000']), 'TIME,1700000000*8a75b055');
});

test('a frame without fields round-trips', (t) => {
  t.deepEqual(decodeLine(encodeLine('PING', [])), { tag: 'PING', fields: [] });
});

test('a line of exactly 1024 bytes is still a frame', (t) => {
  const body = `X,${'a'.repeat(MAX_LINE_BYTES - 2 - 9)}`;
  const line = encodeLine('X', [body.slice(2)]);
  t.is(Buffer.byteLength(line), MAX_LINE_BYTES);
  t.is(decodeLine(`${line}\r`).fields[0], body.slice(2));
});

test('property: encodeLine then decodeLine gives the tag and fields back', (t) => {
  fc.assert(fc.property(tag, fc.array(lineField, { maxLength: 8 }), (tg, fields) => {
    const line = encodeLine(tg, fields);
    t.deepEqual(decodeLine(line), { tag: tg, fields });
    t.deepEqual(decodeLine(`${line}\r`), { tag: tg, fields });
  }));
});

test('property: decodeLine throws nothing but ProtocolError on arbitrary strings', (t) => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 1200 }), (text) => {
    try {
      decodeLine(text);
    } catch (error) {
      return error instanceof ProtocolError;
    }
    return true;
  }), { numRuns: 2000 });
  t.pass();
});

test('property: changing one character of a frame makes it no frame', (t) => {
  fc.assert(fc.property(tag, fc.array(lineField, { maxLength: 4 }), fc.nat(), fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), (tg, fields, at, c) => {
    const line = encodeLine(tg, fields);
    const i = at % line.length;
    fc.pre(line[i] !== c);
    const changed = line.slice(0, i) + c + line.slice(i + 1);
    t.throws(() => decodeLine(changed), { instanceOf: ProtocolError });
  }));
});

/** decodeLine as first written (slices, regexes, parseInt), to hold the faster one to the same frames and the same errors. */
function referenceDecodeLine(line: string): unknown {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (Buffer.byteLength(text, 'utf8') > MAX_LINE_BYTES) return ['TOO_LONG', `line of ${Buffer.byteLength(text, 'utf8')} bytes is over ${MAX_LINE_BYTES}`];
  const preview = JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
  const notAFrame = ['NOT_A_FRAME', `${preview}: not a frame (TAG,fields*crc)`];
  const star = text.indexOf('*');
  if (star < 0 || text.indexOf('*', star + 1) >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) return notAFrame;
  const body = text.slice(0, star);
  const crc = text.slice(star + 1);
  const fields = body.split(',');
  const tag = fields.shift() as string;
  if (!/^[A-Z]+$/.test(tag) || !/^[0-9a-f]{8}$/.test(crc)) return notAFrame;
  const actual = crc32(Buffer.from(body, 'utf8')).toString(16).padStart(8, '0');
  if (crc !== actual) return ['BAD_CRC', `${preview}: CRC ${crc} does not match ${actual}`];
  return { tag, fields };
}

const outcome = (line: string): unknown => {
  try {
    return decodeLine(line);
  } catch (error) {
    return error instanceof ProtocolError ? [error.code, error.message] : error;
  }
};

test('property: the same frame or the same error code and message as the reference, for frames, damaged frames and any text', (t) => {
  const damage = fc.constantFrom('*', '\r', '\n', ',', 'A', 'a', 'F', 'f', 'g', '0', 'é', '');
  const damaged = fc.tuple(tag, fc.array(lineField, { maxLength: 4 }), fc.nat(), damage, fc.boolean()).map(([tg, fields, at, c, insert]) => {
    const line = encodeLine(tg, fields);
    const i = at % (line.length + 1);
    return line.slice(0, i) + c + line.slice(insert ? i : i + 1);
  });
  const text = fc.oneof(damaged, fc.string({ unit: 'binary', maxLength: 80 }), fc.tuple(tag, fc.array(lineField, { maxLength: 4 })).map(([tg, f]) => encodeLine(tg, f)));
  fc.assert(fc.property(text, fc.boolean(), (line, cr) => {
    const input = cr ? `${line}\r` : line;
    t.deepEqual(outcome(input), referenceDecodeLine(input));
  }), { numRuns: 3000 });
});
