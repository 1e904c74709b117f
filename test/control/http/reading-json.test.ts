import test from 'ava';
import fc from 'fast-check';
import type { ReadingEvent } from '../../../src/bus/events.ts';
import { readingToApi } from '../../../src/control/http/api-views.ts';
import { NO_ROOM, NOT_PLAIN } from '../../../src/control/http/json-bytes.ts';
import { writeReadingJson } from '../../../src/control/http/reading-json.ts';
import { encodeMessage, interpret, decodeMessage, KIND, record } from '../../../src/protocol/index.ts';

/** writeReadingJson's bytes in a buffer of `size` (default: plenty), or its code. */
function written(reading: ReadingEvent, size = 1 << 16): string | number {
  const buf = Buffer.alloc(size + 1, 0xff);
  const end = writeReadingJson(reading, buf.subarray(0, size + 1), 1);
  return end < 0 ? end : buf.subarray(1, end).toString('utf8');
}

const scaled = fc.tuple(fc.integer({ min: -0x80000000, max: 0xffffffff }), fc.constantFrom(1, 10, 100, 1000)).map(([raw, d]) => raw / d);
const values = fc.record({ temperature: scaled, humidity: scaled, pressure: scaled, battery: scaled, firmware: fc.string() }, { requiredKeys: [] });
const channel = fc.record({ channel: fc.nat({ max: 255 }), voltage: scaled, power: scaled, relay: fc.boolean() }, { requiredKeys: ['channel'] });

/** An event as src/gateway/pipeline.ts builds it: the same keys in the same order. */
const reading = fc.record({
  mac: fc.stringMatching(/^[0-9a-f]{12}$/),
  room: fc.oneof(fc.constantFrom('unknown', 'living room', 'Küche'), fc.string({ unit: 'binary' })),
  kind: fc.constantFrom(...(Object.keys(KIND) as (keyof typeof KIND)[]), undefined),
  atMs: fc.oneof(fc.integer({ min: 0, max: 2 ** 43 }), fc.double()),
  rssi: fc.option(fc.integer({ min: -128, max: 127 }), { nil: undefined }),
  values,
  channels: fc.array(channel, { maxLength: 4 }),
}).map((r): ReadingEvent => ({ mac: r.mac, room: r.room, kind: r.kind, atMs: r.atMs, rssi: r.rssi, values: r.values, channels: r.channels }));

test('property: the bytes are JSON.stringify(readingToApi(event)) for the pipeline\'s events, MAC formatted', (t) => {
  fc.assert(fc.property(fc.array(reading, { minLength: 1, maxLength: 10 }), (events) => {
    for (const e of [...events, ...events]) t.is(written(e), JSON.stringify(readingToApi(e)));
  }), { numRuns: 300 });
});

test('property: with too little room it says NO_ROOM, never a partial event', (t) => {
  fc.assert(fc.property(reading, fc.nat({ max: 300 }), (e, size) => {
    const text = JSON.stringify(readingToApi(e));
    t.is(written(e, size), Buffer.byteLength(text) <= size ? text : NO_ROOM);
  }), { numRuns: 300 });
});

test('an event decoded from a real message reads back with its values, rssi and kind left out when unknown', (t) => {
  const message = decodeMessage(encodeMessage({ kind: KIND.REPORT, boot: 3, seq: 9, records: [record('temperature', 2153), record('humidity', 4810), record('battery', 3712)] }));
  const view = interpret(message);
  const e: ReadingEvent = { mac: '24a160112233', room: 'hall', kind: view.kind, atMs: 1_764_720_000_123, rssi: undefined, values: view.values, channels: view.channels };
  const text = written(e);
  t.is(text, JSON.stringify(readingToApi(e)));
  t.deepEqual(JSON.parse(text as string), { mac: '24:a1:60:11:22:33', room: 'hall', kind: 'REPORT', atMs: 1_764_720_000_123, values: view.values, channels: [] });
  t.false((text as string).includes('"rssi"'));
  t.false(written({ ...e, kind: undefined }).toString().includes('"kind"'));
});

test('values that are not plain data are NOT_PLAIN (the stream then stringifies the event)', (t) => {
  const e: ReadingEvent = { mac: '24a160112233', room: 'hall', kind: 'REPORT', atMs: 1, values: { toJSON: () => 'x' } as never, channels: [] };
  t.is(written(e), NOT_PLAIN);
});
