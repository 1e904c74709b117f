import test from 'ava';
import { toLineProtocol } from '../../src/points/point.ts';
import { decodeMessage, encodeMessage, interpret, KIND, record, type RecordDraft } from '../../src/protocol/index.ts';
import { heartbeatToPoint, messageToPoints, Stamper } from '../../src/readings/index.ts';
import { vectors } from '../protocol/vectors.ts';

const ctx = { mac: 'a2b2c2d2e2f2', room: 'Kitchen', gateway: 'pi', lost: 0, timeUs: 1700000000000000 };
const TAGS = 'gateway=pi,node=a2:b2:c2:d2:e2:f2,room=Kitchen';

/** [vector name prefix, rssi, lost, expected line protocol]. */
const cases: Array<[vector: string, rssi: number | undefined, lost: number, lines: string[]]> = [
  ['worked example', -61, 0, [
    `environment,${TAGS} temperature=21.53,humidity=40.12,pressure=1013.25,illuminance=345.67 1700000000000000`,
    `node,${TAGS} battery=3.912,rssi=-61i,lost=0i 1700000000000000`,
  ]],
  ['REPORT with every node record', undefined, 2, [
    `environment,${TAGS} temperature=-5.12,humidity=100.0,pressure=987.65,illuminance=0.0 1700000000000000`,
    `node,${TAGS} battery=3.3,awake=412i,retries=255i,status=13i,lost=2i 1700000000000000`,
  ]],
  ['REPORT from a power meter', -70, 0, [
    `node,${TAGS} rssi=-70i,lost=0i 1700000000000000`,
    `power,channel=1,${TAGS} voltage=230.12,current=-1.234,power=2831.5,energy=123456.0,relay=true 1700000000000000`,
    `power,channel=2,${TAGS} voltage=229.5,relay=false 1700000000000000`,
  ]],
  ['REPORT with power records before', -70, 0, [
    `node,${TAGS} rssi=-70i,lost=0i 1700000000000000`,
    `power,channel=0,${TAGS} voltage=230.01,power=0.0 1700000000000000`,
  ]],
  ['REPORT with header only', undefined, 0, [`node,${TAGS} lost=0i 1700000000000000`]],
  ['HELLO with firmware string', -55, 0, [`node,${TAGS} rssi=-55i,status=8i,lost=0i 1700000000000000`]],
  ['RESULT of command 7', -55, 1, [
    `node,${TAGS} rssi=-55i,lost=1i 1700000000000000`,
    `power,channel=1,${TAGS} relay=true 1700000000000000`,
  ]],
  ['RECEIPT with time', -55, 0, []],
  ['COMMAND: set relay', -55, 0, []],
  ['unknown kind', -55, 0, []],
];

for (const [name, rssi, lost, lines] of cases) {
  test(`points: ${name}`, (t) => {
    const vector = vectors.messages.find((m) => m.name.startsWith(name))!;
    const message = decodeMessage(Buffer.from(vector.hex, 'hex'));
    const points = messageToPoints(message, { ...ctx, lost, ...(rssi === undefined ? {} : { rssi }) });
    t.deepEqual(points.map(toLineProtocol), lines);
  });
}

test('points: the view the registry made is used, not a second interpretation of the message', (t) => {
  const message = decodeMessage(Buffer.from(vectors.messages[0].hex, 'hex'));
  const view = interpret(message);
  t.deepEqual(messageToPoints(message, ctx, view), messageToPoints(message, ctx));
  const other = { ...view, values: { temperature: 5 }, channels: [{ channel: 3, relay: true }] };
  t.deepEqual(messageToPoints(message, ctx, other).map(toLineProtocol), [
    `environment,${TAGS} temperature=5.0 1700000000000000`,
    `node,${TAGS} lost=0i 1700000000000000`,
    `power,channel=3,${TAGS} relay=true 1700000000000000`,
  ]);
});

test('points: an unknown node is tagged room=unknown', (t) => {
  const message = decodeMessage(Buffer.from(vectors.messages[0].hex, 'hex'));
  const [point] = messageToPoints(message, { ...ctx, room: 'unknown', mac: 'A2-B2-C2-D2-E2-F9' });
  t.deepEqual(point.tags, { room: 'unknown', node: 'a2:b2:c2:d2:e2:f9', gateway: 'pi' });
});

test('points: a heartbeat becomes one broker point of integers', (t) => {
  const point = heartbeatToPoint(
    { type: 'hb', uptimeS: 3600, rx: 360, rxDropped: 2, tx: 5, txFailed: 1, queued: 0 },
    { gateway: 'pi', brokerMac: 'a0b1c2d3e4f5', timeUs: 5 },
  );
  t.is(toLineProtocol(point), 'broker,gateway=pi uptime=3600i,rx=360i,rx_dropped=2i,tx=5i,tx_failed=1i,queued=0i 5');
});

test('stamper: timestamps are microseconds and strictly increase', (t) => {
  const stamper = new Stamper();
  t.deepEqual([1000, 1000, 1000, 999, 1001.5, 2000].map((ms) => stamper.next(ms)), [1_000_000, 1_000_001, 1_000_002, 1_000_003, 1_001_500, 2_000_000]);
});

/** Section 4 records through the real codec: [what, kind, records, expected line protocol]. */
const section4: Array<[what: string, kind: number, records: RecordDraft[], lines: string[]]> = [
  ['REPORT: over-current trip opened channel 2', KIND.REPORT, [record('channel', 2), record('current', 17_250), record('relay', 0), record('trip', 1)], [
    `node,${TAGS} lost=0i 1700000000000000`,
    `power,channel=2,${TAGS} current=17.25,relay=false,trip=1i 1700000000000000`,
  ]],
  ['REPORT: a long press on button 3 is an input point, not a power point', KIND.REPORT, [record('channel', 3), record('press', 2)], [
    `node,${TAGS} lost=0i 1700000000000000`,
    `input,channel=3,${TAGS} press=2i 1700000000000000`,
  ]],
  ['RESULT: the relay state and a cleared trip afterwards', KIND.RESULT, [
    record('commandId', 7), record('outcome', 0), record('channel', 2), record('relay', 1), record('trip', 0),
  ], [
    `node,${TAGS} lost=0i 1700000000000000`,
    `power,channel=2,${TAGS} relay=true,trip=0i 1700000000000000`,
  ]],
];

for (const [what, kind, records, lines] of section4) {
  test(`points (section 4): ${what}`, (t) => {
    const message = decodeMessage(encodeMessage({ kind, boot: 4, seq: 31, records }));
    t.deepEqual(messageToPoints(message, ctx).map(toLineProtocol), lines);
  });
}
