import test from 'ava';
import fc from 'fast-check';
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
