/**
 * The broker firmware (micropython/broker) in the real MicroPython
 * interpreter: hand-made frames from radios without firmware, gateway bytes
 * on its UART, and every byte it writes decoded by the TypeScript decoder.
 */
import test from 'ava';
import { decodeMessage, encodeLine, encodeMessage, encodeTx, record, type BrokerEvent } from '../../src/protocol/index.ts';
import { FirmwareRig } from './harness.ts';
import { uartEvents } from './uart-events.ts';

const BROKER = 'a0b1c2d3e4f5';

async function broker(config: Record<string, string> = {}, baud = 115200) {
  const rig = await FirmwareRig.create(5);
  rig.addBroker('broker', BROKER, config, baud);
  return rig;
}

const report = (boot: number, seq: number, temperature = 2153) =>
  encodeMessage({ kind: 1, boot, seq, records: [record('temperature', temperature), record('battery', 3912)] }).toString('hex');
/** A HELLO with capability bits `caps` (0x30: relay + listening, as a socket's). */
const hello = (boot: number, seq: number, caps = 0x30) =>
  encodeMessage({ kind: 2, boot, seq, records: [record('firmware', 'socket-1.0.0'), record('capabilities', caps), record('interval', 60)] }).toString('hex');
const command = (id: number) => encodeMessage({ kind: 0x81, boot: 0, seq: 0, records: [record('commandId', id), record('relay', 1)] });
const statuses = (rig: FirmwareRig) => uartEvents(rig.uartText('broker')).events.filter((e) => e.type === 'txr').map((e) => `${e.id}:${e.status}`);

function raw(rig: FirmwareRig, name: string, mac: string): void {
  rig.py(`rig.raw_device(${JSON.stringify(name)}, ${JSON.stringify(mac)})`);
}
function send(rig: FirmwareRig, name: string, hex: string, to = BROKER): boolean {
  return rig.str(`rig.raw_send(${JSON.stringify(name)}, ${JSON.stringify(to)}, ${JSON.stringify(hex)})`) === 'True';
}
const inbox = (rig: FirmwareRig, name: string) => rig.json<[string, string][]>(`rig.raw_inbox(${JSON.stringify(name)})`);
const hbs = (events: BrokerEvent[]) => events.filter((e): e is Extract<BrokerEvent, { type: 'hb' }> => e.type === 'hb');

test('starts with a BOOT line naming its firmware, MAC and channel, then a heartbeat every 10 s', async (t) => {
  const rig = await broker({ CHANNEL: '6' });
  rig.runFor(30_500);
  const { events, console } = uartEvents(rig.uartText('broker'));
  t.deepEqual(console, []);
  t.deepEqual(events[0], { type: 'boot', firmware: 'broker-1.0.0', brokerMac: BROKER, channel: 6 });
  t.deepEqual(hbs(events).map((e) => e.uptimeS), [10, 20, 30]);
  t.is(rig.summary('broker').channel, 6);
});

test('answers each message with a RECEIPT of the same boot and seq, forwards it as RX with the RSSI from peers_table', async (t) => {
  const rig = await broker();
  raw(rig, 's1', 'a2b2c2d2e2f2');
  rig.py('rig.W.rssi[("s1", "broker")] = -71');
  t.true(send(rig, 's1', report(3, 258)));
  rig.runFor(20);
  const receipts = inbox(rig, 's1').map(([mac, hex]) => [mac, decodeMessage(Buffer.from(hex, 'hex'))] as const);
  t.is(receipts.length, 1);
  t.is(receipts[0][0], BROKER);
  t.like(receipts[0][1], { kind: 4, boot: 3, seq: 258, records: [] });
  const { rx } = uartEvents(rig.uartText('broker'));
  t.deepEqual(rx.map((r) => [r.mac, r.rssi, r.message.seq]), [['a2b2c2d2e2f2', -71, 258]]);
});

test('a duplicate (same MAC, boot, seq) is acknowledged again but forwarded once; another boot is new', async (t) => {
  const rig = await broker();
  raw(rig, 's1', 'a2b2c2d2e2f2');
  for (const hex of [report(3, 7), report(3, 7), report(3, 7), report(4, 7)]) send(rig, 's1', hex);
  rig.runFor(20);
  t.is(inbox(rig, 's1').length, 4);
  t.deepEqual(uartEvents(rig.uartText('broker')).rx.map((r) => [r.message.boot, r.message.seq]), [[3, 7], [4, 7]]);
});

test('TIME from the gateway goes into every RECEIPT, counting on from when it arrived', async (t) => {
  const rig = await broker();
  raw(rig, 's1', 'a2b2c2d2e2f2');
  rig.feed('broker', `${encodeLine('TIME', ['1700000000'])}\n`);
  rig.runFor(5000);
  send(rig, 's1', report(1, 1));
  rig.runFor(20);
  const receipt = decodeMessage(Buffer.from(inbox(rig, 's1')[0][1], 'hex'));
  t.deepEqual(receipt.records, [{ type: 0x50, name: 'time', raw: 1700000005 }]);
});

test('garbage, Ctrl-C bytes, overlong lines and bad CRCs on its input are skipped; the next good line still works', async (t) => {
  const rig = await broker();
  raw(rig, 's1', 'a2b2c2d2e2f2');
  const junk = Buffer.alloc(3000);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 256;
  rig.py(`rig.W.devices["broker"].uart.feed(bytes.fromhex(${JSON.stringify(junk.toString('hex'))}))`);
  rig.feed('broker', `\x03\x03\r\nTIME,1700000000*00000000\nTX,1,zz,00*12345678\n${'A'.repeat(1500)}\n`);
  rig.feed('broker', `${encodeLine('TIME', ['1800000000'])}\r\n`);
  rig.runFor(2000);
  send(rig, 's1', report(1, 1));
  rig.runFor(20);
  const receipt = decodeMessage(Buffer.from(inbox(rig, 's1')[0][1], 'hex'));
  const [time] = receipt.records.map((r) => r.raw as number);
  t.true(time >= 1800000001 && time <= 1800000002, `time ${time}`);
  t.is(rig.summary('broker').errors, 0);
});

test('TX: sent to a listening node, queued for a sleeping one (16 at most), invalid payloads named, expiry reported', async (t) => {
  const rig = await broker({ COMMAND_TTL_S: '60' });
  raw(rig, 'awake', 'a2b2c2d2e2f2');
  send(rig, 'awake', hello(1, 0));
  rig.runFor(20);
  inbox(rig, 'awake');
  const command = (id: number) => encodeMessage({ kind: 0x81, boot: 0, seq: 0, records: [record('commandId', id), record('setInterval', 60)] });
  const lines = [encodeTx(1, 'a2b2c2d2e2f2', command(1))];
  for (let id = 2; id <= 18; id++) lines.push(encodeTx(id, 'a2b2c2d2e2f9', command(id)));
  lines.push(encodeTx(19, 'a2b2c2d2e2f9', Buffer.from('0101', 'hex')));
  lines.push(encodeLine('TX', ['20', 'a2b2c2d2e2f9', '01810000000051']));
  rig.feed('broker', lines.map((l) => `${l}\n`).join(''));
  rig.runFor(1000);
  t.is(inbox(rig, 'awake')[0][1], command(1).toString('hex'));
  const statuses = () => uartEvents(rig.uartText('broker')).events.filter((e) => e.type === 'txr').map((e) => `${e.id}:${e.status}`);
  t.deepEqual(statuses(), [
    '1:sent', ...Array.from({ length: 16 }, (_, i) => `${i + 2}:queued`), '18:failed', '19:invalid', '20:invalid',
  ]);
  rig.runFor(71_000);
  t.deepEqual(statuses().filter((s) => s.endsWith('expired')), Array.from({ length: 16 }, (_, i) => `${i + 2}:expired`));
  const hb = hbs(uartEvents(rig.uartText('broker')).events).at(-1)!;
  t.is(hb.queued, 0);
});

test('held commands ride in the RECEIPT after its own records and are reported delivered only after the radio ack', async (t) => {
  const rig = await broker();
  raw(rig, 's1', 'a2b2c2d2e2f2');
  rig.py('rig.W.devices["s1"].awake = False'); // asleep: the direct attempt finds nobody
  const body = encodeMessage({ kind: 0x81, boot: 0, seq: 0, records: [record('commandId', 5), record('setInterval', 120)] });
  rig.feed('broker', `${encodeLine('TIME', ['1700000000'])}\n${encodeTx(5, 'a2b2c2d2e2f2', body)}\n`);
  rig.runFor(100);
  rig.py('rig.W.devices["s1"].awake = True');
  rig.py(`
_lost = [1]
def _rule(src, dst, data):
    if src.name == "broker" and data[1] == 4 and _lost[0]:
        _lost[0] -= 1
        return "drop"
rig.W.rules.append(_rule)
`);
  send(rig, 's1', report(2, 10));
  rig.runFor(100);
  t.deepEqual(inbox(rig, 's1'), [], 'the first RECEIPT was lost');
  let txr = uartEvents(rig.uartText('broker')).events.filter((e) => e.type === 'txr');
  t.deepEqual(txr.map((e) => e.type === 'txr' && e.status), ['queued']);
  send(rig, 's1', report(2, 10)); // the node retransmits
  rig.runFor(100);
  const receipt = decodeMessage(Buffer.from(inbox(rig, 's1')[0][1], 'hex'));
  t.deepEqual(receipt.records.map((r) => [r.name, r.raw]), [['time', 1700000000], ['commandId', 5], ['setInterval', 120]]);
  txr = uartEvents(rig.uartText('broker')).events.filter((e) => e.type === 'txr');
  t.deepEqual(txr.map((e) => e.type === 'txr' && e.status), ['queued', 'delivered']);
});

test('a burst beyond what the UART can carry: RECEIPTs for all, no blocking write, every dropped RX line counted in HB', async (t) => {
  const rig = await broker({}, 115200);
  const senders = 12;
  const each = 25;
  for (let s = 0; s < senders; s++) raw(rig, `s${s}`, `a2b2c2d2e3${s.toString(16).padStart(2, '0')}`);
  for (let i = 0; i < each; i++) {
    for (let s = 0; s < senders; s++) send(rig, `s${s}`, report(1, i, 2000 + s));
  }
  rig.runFor(12_000);
  let acked = 0;
  for (let s = 0; s < senders; s++) acked += inbox(rig, `s${s}`).length;
  const { events, rx, console } = uartEvents(rig.uartText('broker'));
  t.deepEqual(console, []);
  const hb = hbs(events)[0];
  const total = senders * each;
  t.is(hb.rx, acked, 'every message the radio took was acknowledged');
  t.is(rx.length + hb.rxDropped, total, 'each message either reached the UART or was counted as dropped');
  t.true(hb.rxDropped > 0, 'the burst was bigger than the UART');
  t.true(rx.length > 40);
  const s = rig.summary('broker');
  t.is(s.stall_ms, 0, 'no write ever waited for the UART');
  t.is(s.errors, 0);
  raw(rig, 'late', 'a2b2c2d2e2ff');
  t.true(send(rig, 'late', report(9, 9)));
  rig.runFor(50);
  t.is(inbox(rig, 'late').length, 1, 'the radio loop still answers after the burst');
});

test('a listening node (HELLO with bit 5) gets its COMMAND at once, TXR sent; a sleepy one that is awake all the same gets it held, TXR queued', async (t) => {
  const rig = await broker();
  raw(rig, 'socket', 'a2b2c2d2e2a1');
  raw(rig, 'sensor', 'a2b2c2d2e2a2');
  send(rig, 'socket', hello(1, 0));
  send(rig, 'sensor', hello(1, 0, 0x07));
  rig.runFor(20);
  inbox(rig, 'socket');
  inbox(rig, 'sensor');
  rig.feed('broker', `${encodeTx(1, 'a2b2c2d2e2a1', command(1))}\n${encodeTx(2, 'a2b2c2d2e2a2', command(2))}\n`);
  rig.runFor(100);
  t.deepEqual(statuses(rig), ['1:sent', '2:queued']);
  t.deepEqual(inbox(rig, 'socket'), [[BROKER, command(1).toString('hex')]]);
  t.deepEqual(inbox(rig, 'sensor'), [], 'a sleepy node is not sent to outside a RECEIPT, even with its radio on');
});

test('a listening node that does not ack: TXR failed after the broker\'s tries, nothing held; a HELLO without bit 5 makes a node sleepy again', async (t) => {
  const rig = await broker();
  raw(rig, 'socket', 'a2b2c2d2e2a1');
  send(rig, 'socket', hello(1, 0));
  rig.runFor(20);
  rig.py('rig.W.devices["socket"].awake = False');
  const sendsBefore = rig.frames().filter(([, src]) => src === 'broker').length;
  rig.feed('broker', `${encodeTx(3, 'a2b2c2d2e2a1', command(3))}\n`);
  rig.runFor(100);
  t.deepEqual(statuses(rig), ['3:failed']);
  t.is(rig.frames().filter(([, src]) => src === 'broker').length - sendsBefore, 3, 'DIRECT_TRIES sends');
  rig.runFor(10_000);
  const hb = hbs(uartEvents(rig.uartText('broker')).events).at(-1)!;
  t.deepEqual([hb.queued, hb.txFailed], [0, 1], 'counted once as a failed send, nothing held');
  rig.py('rig.W.devices["socket"].awake = True');
  send(rig, 'socket', hello(2, 0, 0x01)); // reflashed as a sensor node
  rig.runFor(20);
  rig.feed('broker', `${encodeTx(4, 'a2b2c2d2e2a1', command(4))}\n`);
  rig.runFor(100);
  t.deepEqual(statuses(rig), ['3:failed', '4:queued']);
});

test('a broker that rebooted treats a listening node as sleepy until its HELLO: TXR queued, delivered in the RECEIPT of the HELLO, then sent at once again', async (t) => {
  const rig = await broker();
  raw(rig, 'socket', 'a2b2c2d2e2a1');
  send(rig, 'socket', hello(1, 0));
  rig.runFor(20);
  rig.feed('broker', `${encodeTx(1, 'a2b2c2d2e2a1', command(1))}\n`);
  rig.runFor(100);
  t.deepEqual(statuses(rig), ['1:sent']);
  inbox(rig, 'socket');
  rig.rebootBroker('broker');
  rig.runFor(600);
  t.is(uartEvents(rig.uartText('broker')).events.filter((e) => e.type === 'boot').length, 2);
  rig.feed('broker', `${encodeTx(2, 'a2b2c2d2e2a1', command(2))}\n`);
  rig.runFor(100);
  t.deepEqual(statuses(rig), ['1:sent', '2:queued']);
  t.deepEqual(inbox(rig, 'socket'), [], 'held, not sent');
  send(rig, 'socket', hello(2, 0));
  rig.runFor(20);
  const [[, receipt]] = inbox(rig, 'socket');
  const m = decodeMessage(Buffer.from(receipt, 'hex'));
  t.deepEqual([m.kind, m.boot, m.seq, m.records.map((r) => [r.name, r.raw])], [4, 2, 0, [['commandId', 2], ['relay', 1]]]);
  rig.feed('broker', `${encodeTx(3, 'a2b2c2d2e2a1', command(3))}\n`);
  rig.runFor(100);
  t.deepEqual(statuses(rig), ['1:sent', '2:queued', '2:delivered', '3:sent']);
});
