/**
 * The broker's CAN bridge (micropython/broker/can_bridge.py) end to end in
 * the real interpreter: a CAN node (micropython/lib/can_link.py on an
 * MCP2515 model) and the broker firmware with its own MCP2515 model on one
 * simulated bus; gateway bytes in, the broker's UART bytes read by the
 * TypeScript decoder (src/protocol).
 */
import test from 'ava';
import { decodeMessage, encodeLine, encodeMessage, encodeTx, record } from '../../src/protocol/index.ts';
import { FirmwareRig, q } from './harness.ts';
import { uartEvents } from './uart-events.ts';

const BROKER = 'a0b1c2d3e4f5';
const NODE5 = '02ca00000005';

async function world(chip = true) {
  const rig = await FirmwareRig.create(4);
  rig.py(`
import json, bench_rig, can_chips
bus = can_chips.shared_bus()
bench_rig.can_device("n5", bus, node=5, mac="02ca00000005")
`);
  rig.addCanBroker('broker', BROKER, {}, chip);
  rig.runFor(100);
  return rig;
}
const nodeSend = (rig: FirmwareRig, msg: Buffer) => rig.py(`bench_rig.run("n5", ${q(`link.send(0, bytes.fromhex(${q(msg.toString('hex'))}))`)})`);
const nodeGot = (rig: FirmwareRig) => rig.json<[number, string][]>(`bench_rig.value("n5", "[[p, m.hex()] for p, m in got]")`);
const rxOf = (rig: FirmwareRig, mac: string) => uartEvents(rig.uartText('broker')).rx.filter((r) => r.mac === mac);

const hello = encodeMessage({ kind: 2, boot: 4, seq: 0, records: [record('firmware', 'socket-1.0.0'), record('capabilities', 0x238), record('interval', 60)] });
const report = encodeMessage({ kind: 1, boot: 4, seq: 1, records: [record('channel', 1), record('voltage', 23012), record('current', 1234), record('power', 2831), record('energy', 123456), record('relay', 1), record('channel', 2), record('voltage', 22950), record('relay', 0)] });

test('a CAN node\'s HELLO and REPORT come out as RX lines under 02ca00000005 with an empty RSSI; each gets a RECEIPT over CAN; a repeat no second RX line', async (t) => {
  const rig = await world();
  rig.feed('broker', `${encodeLine('TIME', ['1700000000'])}\n`);
  nodeSend(rig, hello);
  rig.runFor(50);
  nodeSend(rig, report);
  rig.runFor(50);
  nodeSend(rig, report);
  rig.runFor(50);
  const rx = rxOf(rig, NODE5);
  t.deepEqual(rx.map((r) => [r.view.kind, r.rssi]), [['HELLO', undefined], ['REPORT', undefined]]);
  t.is(rx[0].view.values.firmware, 'socket-1.0.0');
  t.deepEqual(rx[1].view.channels, [{ channel: 1, voltage: 230.12, current: 1.234, power: 283.1, energy: 123456, relay: true }, { channel: 2, voltage: 229.5, relay: false }]);
  const receipts = nodeGot(rig).map(([peer, hex]) => [peer, decodeMessage(Buffer.from(hex, 'hex'))] as const);
  t.deepEqual(receipts.map(([peer, m]) => [peer, m.kind, m.boot, m.seq]), [[0, 4, 4, 0], [0, 4, 4, 1], [0, 4, 4, 1]]);
  t.deepEqual(receipts[0][1].records.map((r) => [r.type, r.raw]), [[0x50, 1700000000]], 'the RECEIPT carries the time');
  t.deepEqual(rig.summary('broker').crashes, []);
  t.is(rig.summary('broker').errors, 0);
  t.deepEqual(uartEvents(rig.uartText('broker')).console, []);
});

test('a TX line for 02ca00000005 goes over CAN at once: the node gets the worked example\'s bytes, TXR sent', async (t) => {
  const rig = await world();
  const command = Buffer.from('018100000700' + '51020700' + '0f0102' + '140101' + '57025802', 'hex');
  rig.feed('broker', `${encodeTx(7, NODE5, command)}\n`);
  rig.runFor(100);
  t.deepEqual(nodeGot(rig), [[0, command.toString('hex')]]);
  const txr = uartEvents(rig.uartText('broker')).events.filter((e) => e.type === 'txr');
  t.deepEqual(txr, [{ type: 'txr', id: 7, status: 'sent' }]);
  const ids = rig.json<number[]>('json.dumps(sorted(set(f[2] for f in bus.frames)))');
  t.deepEqual(ids, [0x405, 0x505], 'first frame and consecutive frames on 0x505, flow control from the node on 0x405');
});

test('a TX line for a CAN node that is not on the bus: TXR failed after the flow-control timeout, nothing queued', async (t) => {
  const rig = await world();
  const command = encodeMessage({ kind: 0x81, boot: 0, seq: 8, records: [record('commandId', 8), record('channel', 1), record('relay', 1)] });
  rig.feed('broker', `${encodeTx(8, '02ca00000009', command)}\n`);
  rig.runFor(1500);
  const txr = uartEvents(rig.uartText('broker')).events.filter((e) => e.type === 'txr');
  t.deepEqual(txr, [{ type: 'txr', id: 8, status: 'failed' }]);
  t.deepEqual(nodeGot(rig), []);
});

test('CAN turned on in config.py but no MCP2515 answers: one console line, the radio side runs', async (t) => {
  const rig = await world(false);
  rig.runFor(10_500);
  const { events, console } = uartEvents(rig.uartText('broker'));
  t.is(console.length, 1);
  t.regex(console[0], /^can: .*MCP2515/);
  t.true(events.some((e) => e.type === 'hb'));
  t.deepEqual(rig.summary('broker').crashes, []);
});
