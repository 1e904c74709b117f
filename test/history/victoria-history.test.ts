import test from 'ava';
import { startVictoria, type Victoria } from '../helpers/victoria.ts';
import { HistoryQueryError, VictoriaHistoryStore, type ReadingsQuery, type Series } from '../../src/history/index.ts';
import { bool, float, int, toLineProtocol, type FieldValue, type Point } from '../../src/points/point.ts';

// One real VictoriaMetrics for the file; every test writes its own rooms or times, so they run side by side.
let vm: Victoria;
let store: VictoriaHistoryStore;

test.before(async () => {
  vm = await startVictoria();
  store = new VictoriaHistoryStore({ url: vm.url });
});

test.after.always(async () => {
  await vm?.stop();
});

const MIN = 60_000;
const GW = 'cupboard-pi';
const tagsOf = (room: string, mac: string, extra: Record<string, string> = {}) => ({ gateway: GW, node: mac, room, ...extra });

/** Writes points the way the gateway does (its line protocol, `precision=us`, InfluxDB v2 write API), then makes them searchable. */
async function write(points: Point[]): Promise<void> {
  const res = await fetch(`${vm.url}/api/v2/write?org=home&bucket=sensors&precision=us`, {
    method: 'POST', body: points.map(toLineProtocol).join('\n'), headers: { authorization: 'Token t' },
  });
  if (res.status !== 204) throw new Error(`write: ${res.status} ${await res.text()}`);
  await fetch(`${vm.url}/internal/force_flush`);
}

const point = (measurement: string, tags: Record<string, string>, atMs: number, fields: Record<string, FieldValue>): Point =>
  ({ measurement, tags, fields, timeUs: atMs * 1000 });

/** The values of a series, in grid order. */
const values = (s: Series | undefined) => s?.points.map(([, v]) => v);

test('victoria history: means per minute with their tags and a null for a minute without data', async (t) => {
  const t0 = Date.UTC(2024, 0, 1, 12, 0); // a multiple of 60 s
  await write([
    point('environment', tagsOf('Kitchen', 'a2:b2:c2:d2:e2:f2'), t0 + 5_000, { temperature: float(21), humidity: float(40) }),
    point('environment', tagsOf('Kitchen', 'a2:b2:c2:d2:e2:f2'), t0 + 35_000, { temperature: float(22) }),
    point('environment', tagsOf('Kitchen', 'a2:b2:c2:d2:e2:f2'), t0 + 2 * MIN + 1, { temperature: float(23.5) }),
    point('environment', tagsOf('Hall', 'a2:b2:c2:d2:e2:f3'), t0 + MIN + 10_000, { temperature: float(18.25) }),
  ]);
  const q: ReadingsQuery = { measurement: 'environment', field: 'temperature', fromMs: t0, toMs: t0 + 4 * MIN, stepS: 60 };
  const all = await store.query(q);
  t.deepEqual(all, [ // ordered by their tags: gateway, then node, then room
    { tags: tagsOf('Kitchen', 'a2:b2:c2:d2:e2:f2'), points: [[t0, 21.5], [t0 + MIN, null], [t0 + 2 * MIN, 23.5], [t0 + 3 * MIN, null]] },
    { tags: tagsOf('Hall', 'a2:b2:c2:d2:e2:f3'), points: [[t0, null], [t0 + MIN, 18.25], [t0 + 2 * MIN, null], [t0 + 3 * MIN, null]] },
  ]);
  t.deepEqual(await store.query({ ...q, room: 'Kitchen' }), [all[0]]);
  t.deepEqual(await store.query({ ...q, node: 'A2-B2-C2-D2-E2-F3' }), [all[1]]);
  t.deepEqual(await store.query({ ...q, room: 'Kitchen', node: 'a2b2c2d2e2f3' }), []);
  t.deepEqual(values((await store.query({ ...q, field: 'humidity' }))[0]), [40, null, null, null]);
});

test('victoria history: a step is [start, start + step): a sample at a step boundary belongs to the later step', async (t) => {
  const t0 = Date.UTC(2024, 0, 2, 0, 0);
  const tags = tagsOf('Boundary', 'a2:b2:c2:d2:e2:f2');
  await write([
    point('environment', tags, t0, { pressure: float(1000) }),
    point('environment', tags, t0 + MIN - 1, { pressure: float(1002) }),
    point('environment', tags, t0 + MIN, { pressure: float(1010) }),
    point('environment', tags, t0 + 3 * MIN - 1, { pressure: float(1020) }),
    point('environment', tags, t0 + 3 * MIN, { pressure: float(1030) }), // the range's end: outside
  ]);
  const [series] = await store.query({ measurement: 'environment', field: 'pressure', room: 'Boundary', fromMs: t0, toMs: t0 + 3 * MIN, stepS: 60 });
  t.deepEqual(series.points, [[t0, 1001], [t0 + MIN, 1010], [t0 + 2 * MIN, 1020]]);
});

test('victoria history: an unaligned range is put on the step grid (from down, to up)', async (t) => {
  const t0 = Date.UTC(2024, 0, 3, 0, 0);
  await write([point('environment', tagsOf('Grid', 'a2:b2:c2:d2:e2:f2'), t0 + 10 * MIN + 1, { illuminance: float(345.67) })]);
  const [series] = await store.query({ measurement: 'environment', field: 'illuminance', room: 'Grid', fromMs: t0 + 7 * MIN, toMs: t0 + 11 * MIN + 1, stepS: 300 });
  t.deepEqual(series.points, [[t0 + 5 * MIN, null], [t0 + 10 * MIN, 345.67]]);
});

test('victoria history: relay booleans are 1 and 0, the last per step, one channel when asked', async (t) => {
  const t0 = Date.UTC(2024, 0, 4, 0, 0);
  const mac = 'a2:b2:c2:d2:e2:f4';
  await write([
    point('power', tagsOf('Socket', mac, { channel: '1' }), t0 + 1000, { relay: bool(true), power: float(10) }),
    point('power', tagsOf('Socket', mac, { channel: '2' }), t0 + 1000, { relay: bool(true), power: float(100) }),
    point('power', tagsOf('Socket', mac, { channel: '2' }), t0 + 2000, { relay: bool(false), power: float(0) }),
    point('power', tagsOf('Socket', mac, { channel: '2' }), t0 + MIN + 1000, { relay: bool(true) }),
  ]);
  const q: ReadingsQuery = { measurement: 'power', field: 'relay', node: mac, fromMs: t0, toMs: t0 + 2 * MIN, stepS: 60 };
  const both = await store.query(q);
  t.deepEqual(both.map((s) => [s.tags.channel, values(s)]), [['1', [1, null]], ['2', [0, 1]]]);
  const two = await store.query({ ...q, channel: 2 });
  t.deepEqual(two, [both[1]]);
  t.deepEqual(two[0].tags, tagsOf('Socket', mac, { channel: '2' }));
  t.deepEqual(values((await store.query({ ...q, field: 'power', channel: 2 }))[0]), [50, null]);
});

test('victoria history: lost messages are summed per step, a trip keeps its worst code, broker counters their last value', async (t) => {
  const t0 = Date.UTC(2024, 0, 5, 0, 0);
  const tags = tagsOf('Counts', 'a2:b2:c2:d2:e2:f5');
  await write([
    point('node', tags, t0 + 1000, { lost: int(2), rssi: int(-60) }),
    point('node', tags, t0 + 2000, { lost: int(3), rssi: int(-70) }),
    point('node', tags, t0 + MIN, { lost: int(0), rssi: int(-50) }),
    point('power', { ...tags, channel: '2' }, t0 + 1000, { trip: int(1) }),
    point('power', { ...tags, channel: '2' }, t0 + 2000, { trip: int(0) }),
    point('broker', { gateway: 'counts-gw' }, t0 + 1000, { rx: int(360), uptime: int(3600) }),
    point('broker', { gateway: 'counts-gw' }, t0 + 31_000, { rx: int(365), uptime: int(3630) }),
  ]);
  const range = { fromMs: t0, toMs: t0 + 2 * MIN, stepS: 60 };
  t.deepEqual(values((await store.query({ measurement: 'node', field: 'lost', room: 'Counts', ...range }))[0]), [5, 0]);
  t.deepEqual(values((await store.query({ measurement: 'node', field: 'rssi', room: 'Counts', ...range }))[0]), [-65, -50]);
  t.deepEqual(values((await store.query({ measurement: 'power', field: 'trip', room: 'Counts', channel: 2, ...range }))[0]), [1, null]);
  const broker = await store.query({ measurement: 'broker', field: 'rx', ...range });
  t.deepEqual(broker, [{ tags: { gateway: 'counts-gw' }, points: [[t0, 365], [t0 + MIN, null]] }]);
});

test('victoria history: an empty range, and a room nobody has, are no series', async (t) => {
  const t0 = Date.UTC(2024, 0, 6, 0, 0);
  await write([point('environment', tagsOf('Empty', 'a2:b2:c2:d2:e2:f2'), t0 + 10 * MIN, { temperature: float(20) })]);
  t.deepEqual(await store.query({ measurement: 'environment', field: 'temperature', room: 'Empty', fromMs: t0, toMs: t0 + 10 * MIN, stepS: 60 }), []);
  t.deepEqual(await store.query({ measurement: 'environment', field: 'temperature', room: 'Nobody', fromMs: t0, toMs: t0 + 20 * MIN, stepS: 60 }), []);
  t.is((await store.query({ measurement: 'environment', field: 'temperature', room: 'Empty', fromMs: t0, toMs: t0 + 20 * MIN, stepS: 60 })).length, 1);
});

test('victoria history: room names with quotes, backslashes and braces match exactly and inject nothing', async (t) => {
  const t0 = Date.UTC(2024, 0, 7, 0, 0);
  const rooms = ['Bob\'s "den"', 'C:\\attic\\', 'x"} or {room=~".*', 'Küche, oben = 2'];
  await write(rooms.map((room, i) => point('environment', tagsOf(room, `a2:b2:c2:d2:e2:0${i}`), t0 + 1000, { humidity: float(50 + i) })));
  const q = { measurement: 'environment' as const, field: 'humidity', fromMs: t0, toMs: t0 + MIN, stepS: 60 };
  t.is((await store.query(q)).length, rooms.length);
  for (const [i, room] of rooms.entries()) {
    const series = await store.query({ ...q, room });
    t.deepEqual(series.map((s) => [s.tags.room, values(s)]), [[room, [50 + i]]], room);
  }
  t.deepEqual(await store.query({ ...q, room: '.*' }), []);
  t.deepEqual(await store.query({ ...q, room: 'x"} or {room=~".+' }), []);
});

test('victoria history: 2000 one-second steps come back on the grid, not moved onto VictoriaMetrics\' own', async (t) => {
  const t0 = Date.UTC(2024, 0, 8, 0, 0) + 7_000; // not a multiple of 2000 s
  const tags = tagsOf('Dense', 'a2:b2:c2:d2:e2:f2');
  await write(Array.from({ length: 2000 }, (_, i) => point('environment', tags, t0 + i * 1000 + 500, { temperature: float(i / 10) })));
  const [series] = await store.query({ measurement: 'environment', field: 'temperature', room: 'Dense', fromMs: t0, toMs: t0 + 2000_000, stepS: 1 });
  t.is(series.points.length, 2000);
  t.deepEqual(series.points.slice(0, 2), [[t0, 0], [t0 + 1000, 0.1]]);
  t.true(series.points.every(([time, v], i) => time === t0 + i * 1000 && v === i / 10));
});

test('victoria history: more series than maxSeries is HISTORY_TOO_MANY_SERIES', async (t) => {
  const t0 = Date.UTC(2024, 0, 9, 0, 0);
  await write(Array.from({ length: 3 }, (_, i) => point('environment', tagsOf(`Many${i}`, `a2:b2:c2:d2:e2:1${i}`), t0 + 1000, { temperature: float(i) })));
  const small = new VictoriaHistoryStore({ url: vm.url, maxSeries: 2 });
  const error = await t.throwsAsync(small.query({ measurement: 'environment', field: 'temperature', fromMs: t0, toMs: t0 + MIN, stepS: 60 }), { instanceOf: HistoryQueryError });
  t.is(error?.code, 'HISTORY_TOO_MANY_SERIES');
  t.is(error?.param, 'room');
});
