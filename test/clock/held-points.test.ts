import test from 'ava';
import { heldPointsCodec, rebaseBoots } from '../../src/clock/index.ts';
import { GatewayError } from '../../src/errors.ts';
import { bool, float, int, toLineProtocol, type Point } from '../../src/points/point.ts';

const points = (timeUs: number): Point[] => [
  { measurement: 'environment', tags: Object.freeze({ room: 'living room', node: 'a2:b2:c3:d4:e5:f6', gateway: 'pi' }), fields: { temperature: float(21), humidity: float(45.25) }, timeUs },
  { measurement: 'node', tags: { room: 'x,y=z', node: 'n', gateway: 'pi' }, fields: { lost: int(3), rssi: int(-71) }, timeUs },
  { measurement: 'power', tags: { room: 'r', node: 'n', gateway: 'pi', channel: '1' }, fields: { relay: bool(true), voltage: float(230.1) }, timeUs },
];

test('a held reading comes back as the same points, field types kept, with the time given at release', (t) => {
  const payload = heldPointsCodec.encode(points);
  t.false(payload.includes('\n'));
  const back = heldPointsCodec.decode(payload)(1_773_489_600_000_123);
  t.deepEqual(back.map(toLineProtocol), points(1_773_489_600_000_123).map(toLineProtocol));
});

test('text the journal did not write is a coded error, not a crash', (t) => {
  for (const bad of ['{', '{}', '[[1,{},{}]]', '[["m",{},{"f":["x",1]}]]', '[["m",{},{"f":["i","1"]}]]']) {
    const err = t.throws(() => heldPointsCodec.decode(bad), { instanceOf: GatewayError });
    t.is(err?.code, 'HELD_RECORD_INVALID', bad);
  }
});

test('rebaseBoots: the current boot and boots with a sync marker are exact; earlier boots end just before the next one began', (t) => {
  const offsets = rebaseBoots([
    { bootId: 'oldest', monoMs: [5_000, 9_000] },
    { bootId: 'old', monoMs: [10_000, 40_000] },
    { bootId: 'marked', monoMs: [1_000], offsetMs: 1_000_000 },
    { bootId: 'now', monoMs: [2_000] },
  ], 'now', 2_000_000);
  t.deepEqual(offsets, [
    { bootId: 'oldest', offsetMs: 1_000_000 - 40_000 - 1 - 9_000 - 1, estimated: true },
    { bootId: 'old', offsetMs: 1_000_000 - 40_000 - 1, estimated: true },
    { bootId: 'marked', offsetMs: 1_000_000, estimated: false },
    { bootId: 'now', offsetMs: 2_000_000, estimated: false },
  ]);
});
