import test from 'ava';
import fc from 'fast-check';
import { NO_ROOM, NOT_PLAIN, writeJson } from '../../../src/control/http/json-bytes.ts';

/** writeJson's bytes in a buffer of `size` (default: plenty), or its code. */
function written(value: unknown, size = 1 << 20): string | number {
  const buf = Buffer.alloc(size + 1, 0xff);
  const end = writeJson(value, buf.subarray(0, size + 1), 1);
  return end < 0 ? end : buf.subarray(1, end).toString('utf8');
}

const numbers = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.tuple(fc.integer({ min: -0x80000000, max: 0xffffffff }), fc.constantFrom(1, 10, 100, 1000)).map(([raw, d]) => raw / d),
  fc.constantFrom(0, -0, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, 1e21, 999_999_999_999.999, -1e12, 0.1 + 0.2, 5e-324),
);
const strings = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ minLength: 60, maxLength: 200, unit: 'binary' }));
const plain = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, numbers, strings, fc.boolean(), fc.constant(null), fc.constant(undefined), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('1', '0', '10', 'mac', 'values')), tie('value'), { maxKeys: 5 }),
}));

test('property: writeJson writes JSON.stringify\'s text as UTF-8 for any plain data (also repeated, past the memo bounds)', (t) => {
  fc.assert(fc.property(fc.array(plain.value, { minLength: 1, maxLength: 20 }), (values) => {
    for (const v of [...values, ...values]) {
      if (v === undefined) continue; // JSON.stringify(undefined) is no JSON at all
      t.is(written(v), JSON.stringify(v));
    }
  }), { numRuns: 300 });
});

test('property: with too little room it says NO_ROOM, never a wrong text; with enough, the text', (t) => {
  fc.assert(fc.property(plain.object, fc.nat({ max: 400 }), (v, size) => {
    const text = JSON.stringify(v);
    const got = written(v, size);
    t.is(got, Buffer.byteLength(text) <= size ? text : NO_ROOM);
  }), { numRuns: 300 });
});

test('writeJson: a reading event as the page gets it', (t) => {
  const reading = {
    mac: 'a2:b2:c2:d2:e2:f2', room: 'Küche', kind: 'REPORT', atMs: 1_764_700_000_123, rssi: -61,
    values: { temperature: 21.5, humidity: 45.25, pressure: 1013.2, illuminance: 120, battery: 3.91, status: 0, firmware: undefined },
    channels: [{ channel: 1, voltage: 230.1, relay: true, energy: 1234 }],
  };
  t.is(written(reading), JSON.stringify(reading));
});

test('writeJson: what is not plain data is NOT_PLAIN (the caller stringifies it)', (t) => {
  t.is(written({ at: new Date(0) }), NOT_PLAIN);
  t.is(written({ toJSON: () => 1 }), NOT_PLAIN);
  t.is(written(new Map()), NOT_PLAIN);
  t.is(written({ n: 1n }), NOT_PLAIN);
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  t.is(written(cycle), NOT_PLAIN);
  t.is(written(Object.assign(Object.create(null) as object, { a: 1 })), '{"a":1}');
});
