/**
 * The sensor node firmware (micropython/node) in the real MicroPython
 * interpreter, against the real broker firmware over the simulated air; what
 * reaches the gateway is read back through the TypeScript decoder.
 */
import test from 'ava';
import { encodeTx, STATUS_BITS } from '../../src/protocol/index.ts';
import { BME_CASES, FirmwareRig } from './harness.ts';
import { uartEvents } from './uart-events.ts';

const BROKER = 'a0b1c2d3e4f5';
const NODE = 'a2b2c2d2e2f2';
const P000 = BME_CASES.cases.find((c) => c.id === 'ds_example/p000')!;

async function world(pairing: object | undefined = { broker: BROKER, channel: 1 }, config: Record<string, string> = {}) {
  const rig = await FirmwareRig.create(3);
  rig.addBroker('broker', BROKER);
  rig.addNode('n1', NODE, pairing, config);
  rig.setEnv('n1', P000.regs_F7_FE);
  rig.setLightRaw('n1', 33680);
  rig.setBattery('n1', 3.9);
  return rig;
}

const reports = (rig: FirmwareRig) => uartEvents(rig.uartText('broker')).rx.filter((r) => r.view.kind === 'REPORT');

test('cold boot: HELLO (firmware, capabilities, interval, first-boot status), then a REPORT with every sensor', async (t) => {
  const rig = await world();
  rig.powerOn('n1');
  rig.runFor(1000);
  const { rx, console } = uartEvents(rig.uartText('broker'));
  t.deepEqual(console, []);
  t.deepEqual(rx.map((r) => r.view.kind), ['HELLO', 'REPORT']);
  const [hello, report] = rx;
  t.is(hello.mac, NODE);
  t.deepEqual(hello.view.values, { firmware: 'node-1.0.0', capabilities: 7, interval: 300, status: STATUS_BITS.FIRST_AFTER_BOOT });
  t.deepEqual([hello.message.boot, hello.message.seq, report.message.boot, report.message.seq], [1, 0, 1, 1]);
  t.deepEqual(report.view.values, {
    temperature: 25.08, humidity: 54.29, pressure: 1006.53, illuminance: 28066.67, battery: 3.9,
    status: STATUS_BITS.FIRST_AFTER_BOOT, interval: 300,
  });
  t.deepEqual(rig.summary('n1').crashes, []);
});

test('deep sleep lasts the interval minus the time awake; seq survives it in RTC memory, the boot counter only counts cold boots', async (t) => {
  const rig = await world();
  rig.powerOn('n1');
  rig.runFor(3 * 300_000 + 1000);
  let s = rig.summary('n1');
  t.is(s.boots, 4);
  for (const [at, ms] of s.sleeps) t.is(((at % 300_000) + ms) % 300_000, 0, `sleep at ${at} for ${ms}`);
  t.true(s.sleeps[0][0] < 400, 'a wake takes under 400 ms (the BH1750 conversion overlaps the rest)');
  let r = reports(rig);
  t.deepEqual(r.map((x) => [x.message.boot, x.message.seq]), [[1, 1], [1, 2], [1, 3], [1, 4]]);
  t.is(r[1].view.values.status, 0);
  t.is(r[1].view.values.retries, 0);
  t.is(r[1].view.values.awake, s.sleeps[0][0] - 0);
  rig.powerOn('n1'); // power cycle
  rig.runFor(1000);
  r = reports(rig);
  t.deepEqual([r.at(-1)!.message.boot, r.at(-1)!.message.seq], [2, 1]);
  s = rig.summary('n1');
  t.deepEqual(s.crashes, []);
});

test('a lost RECEIPT is answered by retransmitting the same boot and seq; the count goes into the next REPORT', async (t) => {
  const rig = await world();
  rig.py(`
_drops = [2]
def _rule(src, dst, data):
    if src.name == "broker" and data[1] == 4 and data[4] == 1 and _drops[0] > 0:
        _drops[0] -= 1
        return "drop"
rig.W.rules.append(_rule)
`);
  rig.powerOn('n1');
  rig.runFor(300_000 + 1000);
  const sent = rig.frames().filter(([, src, , hex]) => src === 'n1' && hex.startsWith('0101'));
  t.deepEqual(sent.map(([, , , hex]) => hex.slice(4, 12)), ['01000100', '01000100', '01000100', '01000200']);
  const r = reports(rig);
  t.is(r.length, 2, 'the broker forwards a retransmission once');
  t.is(r[1].view.values.retries, 2);
});

test('with no broker at all the node gives up after the retry limit, sleeps, and reports retries 255 later', async (t) => {
  const rig = await world();
  rig.py('rig.W.devices["broker"].awake = False');
  rig.powerOn('n1');
  rig.runFor(300_000 + 1000);
  const attempts = rig.frames().filter(([, src]) => src === 'n1');
  t.is(attempts.length, 3 * 4, 'HELLO and REPORT on the cold wake, a REPORT on the next, 4 attempts each');
  rig.py('rig.W.devices["broker"].awake = True');
  rig.runFor(300_000);
  const r = reports(rig);
  t.is(r.at(-1)!.view.values.retries, 255);
  t.deepEqual(rig.summary('n1').crashes, []);
});

test('a missing BME280 sets its status bit and leaves its records out; light and battery are still reported', async (t) => {
  const rig = await world();
  rig.py('rig.W.devices["n1"].bme.present = False');
  rig.powerOn('n1');
  rig.runFor(1000);
  const v = reports(rig)[0].view.values;
  t.is(v.status, STATUS_BITS.FIRST_AFTER_BOOT | STATUS_BITS.ENV_FAILED);
  t.is(v.temperature, undefined);
  t.is(v.pressure, undefined);
  t.is(v.humidity, undefined);
  t.is(v.illuminance, 28066.67);
  t.is(v.battery, 3.9);
});

test('a BME280 that returns skipped values and a missing BH1750 are both flagged', async (t) => {
  const rig = await world();
  rig.py('rig.W.devices["n1"].bh.present = False');
  rig.setEnv('n1', [0x80, 0, 0, 0x80, 0, 0, 0x80, 0]);
  rig.powerOn('n1');
  rig.runFor(1000);
  const v = reports(rig)[0].view.values;
  t.is(v.status, STATUS_BITS.FIRST_AFTER_BOOT | STATUS_BITS.ENV_FAILED | STATUS_BITS.LIGHT_FAILED);
  t.deepEqual(Object.keys(v).sort(), ['battery', 'interval', 'status']);
});

test('low battery: flagged, and the interval is stretched by LOW_BATTERY_STRETCH', async (t) => {
  const rig = await world();
  rig.setBattery('n1', 3.3);
  rig.powerOn('n1');
  rig.runFor(1000);
  const v = reports(rig)[0].view.values;
  t.is(v.battery, 3.3);
  t.is(v.status, STATUS_BITS.FIRST_AFTER_BOOT | STATUS_BITS.BATTERY_LOW);
  t.is(v.interval, 1200);
  const [at, ms] = rig.summary('n1').sleeps[0];
  t.is(at + ms, 1_200_000);
});

test('set-interval: queued for the sleeping node, delivered in its RECEIPT, applied, answered by a RESULT', async (t) => {
  const rig = await world();
  rig.powerOn('n1');
  rig.runFor(1000);
  rig.feed('broker', `${encodeTx(9, NODE, Buffer.from('0181000000005102090053023c00', 'hex'))}\n`);
  rig.runFor(300_000);
  const { events, rx } = uartEvents(rig.uartText('broker'));
  const txr = events.filter((e) => e.type === 'txr');
  t.deepEqual(txr, [{ type: 'txr', id: 9, status: 'queued' }, { type: 'txr', id: 9, status: 'delivered' }]);
  const result = rx.find((r) => r.view.kind === 'RESULT')!;
  t.deepEqual(result.view.values, { commandId: 9, outcome: 0 });
  const s = rig.summary('n1');
  const [at, ms] = s.sleeps.at(-1)!;
  t.is((at % 60_000) + ms, 60_000, 'sleeps 60 s from the start of that wake');
  rig.runFor(60_000);
  t.is(reports(rig).at(-1)!.view.values.interval, 60);
});

test('a set-interval below the minimum is refused with outcome invalid; a relay command is unsupported', async (t) => {
  const rig = await world();
  rig.powerOn('n1');
  rig.runFor(1000);
  rig.feed('broker', `${encodeTx(1, NODE, Buffer.from('01810000000051020100530205005102020014010100', 'hex').subarray(0, 21))}\n`);
  rig.feed('broker', `${encodeTx(2, NODE, Buffer.from('0181000000005102020014010100'.slice(0, 26) + '01', 'hex'))}\n`);
  rig.runFor(300_000);
  const results = uartEvents(rig.uartText('broker')).rx.filter((r) => r.view.kind === 'RESULT').map((r) => r.view.values);
  t.deepEqual(results, [{ commandId: 1, outcome: 2 }, { commandId: 2, outcome: 1 }]);
  t.is(reports(rig).at(-1)!.view.values.interval, 300);
});

test('the time in a RECEIPT sets the node clock and the clock-set status bit', async (t) => {
  const rig = await world();
  rig.feed('broker', 'TIME,1700000000*8a75b055\n');
  rig.runFor(10);
  rig.powerOn('n1');
  rig.runFor(300_000 + 1000);
  const s = rig.summary('n1');
  t.true(s.clock_set_to! >= 1700000300 && s.clock_set_to! <= 1700000301, `clock set to ${s.clock_set_to}`);
  const r = reports(rig);
  t.is(r[0].view.values.status, STATUS_BITS.FIRST_AFTER_BOOT | STATUS_BITS.CLOCK_SET);
  t.is(r[1].view.values.status, STATUS_BITS.CLOCK_SET);
});

test('pairing: with no broker in espnow.json the node broadcasts, adopts the broker that answers and keeps it in paired.json', async (t) => {
  const rig = await world({ channel: 6 });
  rig.py('rig.W.devices["broker"].channel = 6');
  rig.addNode('n2', 'a2b2c2d2e2f3', undefined); // no espnow.json: channel 1, hears nothing
  rig.powerOn('n1');
  rig.powerOn('n2');
  rig.runFor(300_000 + 1000);
  const mine = rig.frames().filter(([, src]) => src === 'n1');
  t.is(mine[0][2], '*', 'the first HELLO is a broadcast');
  t.true(mine.slice(1).every(([, , dst]) => dst === BROKER), 'then unicast to the broker it found');
  t.is(JSON.parse(rig.readFile('/dev/n1/paired.json')).broker, BROKER);
  t.is(reports(rig).filter((r) => r.mac === NODE).length, 2);
  t.false(rig.frames().some(([, src, , , n]) => src === 'n2' && n > 0), 'a node on another channel reaches nobody');
});

test('encryption: a node and broker sharing the LMK and PMK talk; a node with another key is not heard', async (t) => {
  const key = '00112233445566778899aabbccddeeff';
  const pmk = 'ffeeddccbbaa99887766554433221100';
  const rig = await FirmwareRig.create(4);
  rig.addBroker('broker', BROKER, { NODE_KEYS: `{"${NODE}": "${key}", "a2b2c2d2e2f3": "${key}"}`, PMK: `"${pmk}"` });
  rig.addNode('n1', NODE, { broker: BROKER, key, pmk });
  rig.addNode('n2', 'a2b2c2d2e2f3', { broker: BROKER, key: key.replace('00', '01'), pmk });
  rig.addNode('n3', 'a2b2c2d2e2f4', { broker: BROKER, key: '', pmk });
  for (const n of ['n1', 'n2', 'n3']) rig.powerOn(n);
  rig.runFor(1000);
  const macs = reports(rig).map((r) => r.mac);
  t.true(macs.includes(NODE));
  t.false(macs.includes('a2b2c2d2e2f3'), 'wrong LMK: the broker cannot decrypt');
  t.true(macs.includes('a2b2c2d2e2f4'), 'nodes without a key still work');
});

test('a key without a broker MAC is a configuration error: printed, then a long sleep instead of plaintext', async (t) => {
  const rig = await world({ key: '00112233445566778899aabbccddeeff' });
  rig.powerOn('n1');
  rig.runFor(1000);
  t.true(rig.output.some((l) => l.includes('key needs broker')));
  t.deepEqual(rig.summary('n1').sleeps.map(([, ms]) => ms), [60_000]);
  t.deepEqual(rig.frames(), []);
});
