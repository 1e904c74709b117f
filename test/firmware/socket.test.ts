/**
 * The socket / PDU node firmware (micropython/socket) in the real MicroPython
 * interpreter: INA219 register models, GPIO relays, the real broker firmware
 * on the simulated air, and the gateway's TypeScript decoder reading what
 * comes out of the broker's UART.
 */
import test from 'ava';
import { CAPABILITY_BITS, encodeMessage, encodeTx, KIND, STATUS_BITS } from '../../src/protocol/index.ts';
import { uartEvents } from './uart-events.ts';
import { BROKER, INA_WIRING, SOCKET, socketRx, socketWorld } from './socket-fixture.ts';
import type { FirmwareRig } from './harness.ts';

/** Sends a COMMAND with `records` (type, raw) as TX line `id`. */
function command(rig: FirmwareRig, id: number, records: [number, number | string][]): void {
  const payload = encodeMessage({ kind: KIND.COMMAND, boot: 0, seq: id, records: [{ type: 0x51, raw: id }, ...records.map(([type, raw]) => ({ type, raw }))] });
  rig.feed('broker', `${encodeTx(id, SOCKET, payload)}\n`);
}

const results = (rig: FirmwareRig) => socketRx(rig).filter((r) => r.view.kind === 'RESULT');
const reports = (rig: FirmwareRig) => socketRx(rig).filter((r) => r.view.kind === 'REPORT');

test('cold boot: HELLO with power meter, relay, listening and environment bits and each channel\'s settings, then a REPORT of every channel', async (t) => {
  const rig = await socketWorld();
  rig.setLoad('s1', 1, 12, 1.5, 0, true);
  rig.bootSocket('s1');
  rig.runFor(1000);
  const [hello, report, ...rest] = socketRx(rig);
  t.deepEqual(rest, []);
  t.is(hello.view.kind, 'HELLO');
  t.deepEqual(hello.view.values, {
    firmware: 'socket-1.0.0', interval: 60, status: STATUS_BITS.FIRST_AFTER_BOOT,
    capabilities: CAPABILITY_BITS.POWER_METER | CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING | CAPABILITY_BITS.ENVIRONMENT,
  });
  t.deepEqual(hello.view.channels, [1, 2].map((channel) => ({ channel, powerOnState: 0, currentLimit: 0, humidityLimit: 0 })));
  t.deepEqual([hello.message.boot, hello.message.seq, report.message.seq], [1, 0, 1]);
  t.deepEqual(report.view.values, { status: STATUS_BITS.FIRST_AFTER_BOOT, interval: 60, temperature: 21.5, humidity: 50 });
  t.deepEqual(report.view.channels, [
    { channel: 1, voltage: 12, current: 1.499, power: 18, energy: 0, relay: false },
    { channel: 2, voltage: 0, current: 0, power: 0, energy: 0, relay: false },
  ]);
  t.deepEqual(rig.socketState('s1').crashes, []);
});

test('the worked example end to end: TX line in, relay of channel 2 on at once (TXR sent), the RESULT bytes of PROTOCOL.md out, off again after 600 s', async (t) => {
  const rig = await socketWorld();
  rig.setLoad('s1', 2, 12, 2);
  rig.bootSocket('s1');
  rig.runFor(1000);
  rig.feed('broker', `${encodeTx(7, SOCKET, Buffer.from('0181000007005102070' + '00f01021401015702580' + '2', 'hex'))}\n`);
  rig.runFor(200);
  t.deepEqual(rig.socketState('s1').relays, [0, 1], 'GPIO17 drives the relay of channel 2');
  const { events } = uartEvents(rig.uartText('broker'));
  t.deepEqual(events.filter((e) => e.type === 'txr'), [{ type: 'txr', id: 7, status: 'sent' }]);
  const [result] = results(rig);
  t.is(result.message.kind, KIND.RESULT);
  t.is(Buffer.from(rig.frames().find(([, src, , hex]) => src === 's1' && hex.startsWith('0103'))![3], 'hex').subarray(6).toString('hex'),
    '51020700' + '520100' + '0f0102' + '140101', 'the body of the worked example, byte for byte');
  t.deepEqual(result.view.values, { commandId: 7, outcome: 0 });
  t.deepEqual(result.view.channels, [{ channel: 2, relay: true }]);
  const change = reports(rig).at(-1)!;
  t.deepEqual(change.view.channels.map((c) => [c.channel, c.relay]), [[2, true]], 'a relay switched is reported at once, that channel only');
  rig.runFor(599_000);
  t.deepEqual(rig.socketState('s1').relays, [0, 1]);
  rig.runFor(2000);
  t.deepEqual(rig.socketState('s1').relays, [0, 0], 'auto-off after 600 s');
  t.true(reports(rig).some((r) => r.view.channels.some((c) => c.channel === 2 && c.relay === false && c.power === 0)));
});

test('a duplicate COMMAND (same id) is answered again but not run twice; bad commands change nothing', async (t) => {
  const rig = await socketWorld();
  rig.bootSocket('s1');
  rig.runFor(1000);
  command(rig, 3, [[0x0f, 1], [0x14, 1], [0x57, 5]]);
  rig.runFor(200);
  command(rig, 3, [[0x0f, 1], [0x14, 1], [0x57, 5]]);
  rig.runFor(200);
  command(rig, 4, [[0x0f, 9], [0x14, 1]]);
  command(rig, 5, [[0x0f, 1], [0x54, 3]]);
  command(rig, 6, [[0x0f, 1], [0x58, 'hello']]);
  command(rig, 8, [[0x53, 5]]);
  command(rig, 9, [[0x0f, 2], [0x57, 60]]);
  rig.runFor(1000);
  const got = results(rig).map((r) => [r.view.values.commandId!, r.view.values.outcome, r.view.channels.map((c) => c.relay)] as const)
    .sort((a, b) => a[0] - b[0]);
  t.deepEqual(got, [[3, 0, [true]], [3, 0, [true]], [4, 2, []], [5, 2, [true]], [6, 1, []], [8, 2, []], [9, 2, [false]]]);
  rig.runFor(5000);
  t.deepEqual(rig.socketState('s1').relays, [0, 0], 'the duplicate did not restart the 5 s auto-off');
});

test('every interval a full REPORT; at once when the power steps by more than the configured share', async (t) => {
  const rig = await socketWorld({ ...INA_WIRING, interval_s: 30, report_step: 0.5 });
  rig.setLoad('s1', 1, 12, 1, 0, true);
  rig.bootSocket('s1');
  rig.runFor(61_000);
  t.is(reports(rig).length, 3, 'at boot, 30 s and 60 s');
  rig.setLoad('s1', 1, 12, 1.4, 0, true);
  rig.runFor(5000);
  t.is(reports(rig).length, 3, 'a 40 % step is under the 50 % share');
  rig.setLoad('s1', 1, 12, 2.5, 0, true);
  rig.runFor(1500);
  const last = reports(rig);
  t.is(last.length, 4);
  t.deepEqual(last[3].view.channels.map((c) => [c.channel, c.power]), [[1, 30]]);
});

test('a broker that rebooted holds the socket\'s COMMAND (TXR queued) until the socket\'s next message; it rides in that RECEIPT, runs, and the RESULT comes back', async (t) => {
  const rig = await socketWorld({ ...INA_WIRING, interval_s: 10 });
  rig.bootSocket('s1');
  rig.runFor(1000);
  rig.rebootBroker('broker');
  rig.runFor(1000);
  command(rig, 21, [[0x0f, 1], [0x14, 1]]);
  rig.runFor(500);
  const txr = () => uartEvents(rig.uartText('broker')).events.filter((e) => e.type === 'txr').map((e) => `${e.id}:${e.status}`);
  t.deepEqual(txr(), ['21:queued'], 'no HELLO heard since the broker booted: treated as sleepy');
  t.deepEqual(rig.socketState('s1').relays, [0, 0]);
  rig.runFor(9000);
  t.deepEqual(txr(), ['21:queued', '21:delivered'], 'in the RECEIPT of the 10 s REPORT');
  t.deepEqual(rig.socketState('s1').relays, [1, 0]);
  t.deepEqual(results(rig).map((r) => [r.view.values.commandId, r.view.values.outcome, r.view.channels]), [[21, 0, [{ channel: 1, relay: true }]]]);
});

test('pairing by discovery: with no broker in espnow.json the socket broadcasts its HELLO, adopts the broker that answers, keeps it in paired.json and gets COMMANDs at once', async (t) => {
  const rig = await socketWorld(INA_WIRING, 9, true, false);
  rig.addSocket('s1', SOCKET, INA_WIRING, { broker: '', channel: 1 });
  rig.bootSocket('s1');
  rig.runFor(1000);
  t.is(JSON.parse(rig.readFile('/dev/s1/paired.json')).broker, BROKER);
  t.is(rig.frames().find(([, src]) => src === 's1')![2], '*', 'the HELLO went out as a broadcast');
  command(rig, 5, [[0x0f, 1], [0x14, 1]]);
  rig.runFor(200);
  t.deepEqual(rig.socketState('s1').relays, [1, 0]);
  t.deepEqual(uartEvents(rig.uartText('broker')).events.filter((e) => e.type === 'txr'), [{ type: 'txr', id: 5, status: 'sent' }]);
});
