import test from 'ava';
import { DEMO_NODES, DEMO_STRIPS, seededRandom } from '../../src/demo/demo-nodes.ts';
import { SimulatedBroker } from '../../src/demo/simulated-broker.ts';
import type { SimulatedNodeSpec } from '../../src/demo/simulated-node.ts';
import { decodeLine, encodeLine, encodeTime, encodeTx, OUTCOME, record } from '../../src/protocol/index.ts';
import { brief, commandPayload, parseOutput, type Heard } from './broker-output.ts';

const STRIP = { ...DEMO_STRIPS[0], outlets: DEMO_STRIPS[0].outlets.map((o) => ({ ...o, on: false })) };
const SLEEPY: SimulatedNodeSpec = { mac: 'a2b2c2d2e2f1', intervalS: 5, baseTempC: 21, swingC: 2, baseHumidity: 45, peakLux: 500, batteryV: 4, rssi: -60 };

function makeBroker(nodes: SimulatedNodeSpec[] = [SLEEPY]): SimulatedBroker {
  const broker = new SimulatedBroker({ nodes, strips: [STRIP], random: seededRandom(11), noiseRate: 0 });
  broker.advance(0);
  return broker;
}

/** Feeds a gateway line to the broker at `atS`: what it prints at once, parsed. */
const send = (broker: SimulatedBroker, line: string, atS: number): Heard[] => parseOutput(broker.answer(decodeLine(line), atS));
const relay = (id: number, channel: number, on: boolean, autoOffS?: number): string =>
  encodeTx(id, STRIP.mac, commandPayload(id, [record('channel', channel), record('relay', on ? 1 : 0), ...(autoOffS ? [record('autoOff', autoOffS)] : [])]));
const stripReports = (heard: Heard[], channel: number) =>
  heard.flatMap((h) => (h.type === 'rx' && h.mac === STRIP.mac && h.view.kind === 'REPORT' ? h.view.channels.filter((c) => c.channel === channel) : []));

test('a TX for the strip: TXR sent after the radio delay, RESULT ok with the relay on, the REPORTs show channel 3 drawing power; off again is 0 W', (t) => {
  const broker = makeBroker();
  t.deepEqual(send(broker, relay(1, 3, true), 1), [], 'nothing before the radio delay (30 ms)');
  const heard = parseOutput(broker.advance(1.1));
  const ours = heard.filter((h) => h.type === 'txr' || (h.type === 'rx' && h.mac === STRIP.mac && h.view.kind !== 'REPORT') || stripReports([h], 3).length > 0);
  t.deepEqual(ours.map(brief), ['TXR 1 sent', `RX ${STRIP.mac} RESULT`, `RX ${STRIP.mac} REPORT`]);
  const result = ours[1].type === 'rx' ? ours[1].view : undefined;
  t.deepEqual(result?.values, { commandId: 1, outcome: OUTCOME.OK });
  t.deepEqual(result?.channels, [{ channel: 3, relay: true }]);
  t.true(stripReports(heard, 3)[0].power! > 60, 'the laptop charger draws 65 W at once');
  const later = stripReports(parseOutput(broker.advance(12)), 3);
  t.true(later.length > 0 && later.every((c) => c.relay === true && c.power! >= 20), 'the next full report: still on, still drawing');

  send(broker, relay(2, 3, false), 12);
  const off = parseOutput(broker.advance(12.1));
  t.deepEqual(off.filter((h) => h.type === 'txr').map(brief), ['TXR 2 sent']);
  t.like(stripReports(off, 3)[0], { relay: false, power: 0, current: 0 });
  t.true(stripReports(parseOutput(broker.advance(25)), 3).every((c) => c.power === 0));
});

test('a relay on with auto-off 5 s: on, then off by itself 5 s later, reported at once', (t) => {
  const broker = makeBroker();
  send(broker, relay(3, 5, true, 5), 2);
  const on = parseOutput(broker.advance(2.1));
  t.like(stripReports(on, 5)[0], { relay: true });
  t.true(stripReports(on, 5)[0].power! > 1900, 'the kettle boils');
  t.true(stripReports(parseOutput(broker.advance(6.5)), 5).every((c) => c.relay === true), 'still on after 4.5 s');
  const off = stripReports(parseOutput(broker.advance(8.1)), 5);
  t.like(off[0], { relay: false, power: 0 });
});

test('a set-interval for a sleepy node: queued, delivered in the RECEIPT of its next report, RESULT ok, then reports 20 s apart', (t) => {
  const broker = makeBroker();
  const id = 40;
  const tx = encodeTx(id, SLEEPY.mac, commandPayload(id, [record('setInterval', 20)]));
  send(broker, tx, 0.5);
  const queued = parseOutput(broker.advance(0.6));
  t.deepEqual(queued.filter((h) => h.type === 'txr').map(brief), ['TXR 40 queued']);
  const mine = (heard: Heard[]) => heard.filter((h) => h.type === 'txr' || (h.type === 'rx' && h.mac === SLEEPY.mac));
  const wake = mine(parseOutput(broker.advance(5.5)));
  t.deepEqual(wake.map(brief), ['TXR 40 delivered', `RX ${SLEEPY.mac} REPORT`, `RX ${SLEEPY.mac} RESULT`]);
  const [, report, result] = wake.map((h) => (h.type === 'rx' ? h.view : undefined));
  t.is(report?.values.interval, 5, 'the report that carried the RECEIPT was measured before the command');
  t.deepEqual(result?.values, { commandId: id, outcome: OUTCOME.OK });
  t.is(broker.sensorNode(SLEEPY.mac)?.intervalS, 20);
  const times: number[] = [];
  for (let s = 6; s <= 70; s += 1) {
    for (const h of mine(parseOutput(broker.advance(s)))) {
      if (h.type === 'rx' && h.view.kind === 'REPORT') {
        t.is(h.view.values.interval, 20);
        times.push(s);
      }
    }
  }
  t.deepEqual(times, [25, 45, 65]);
});

test('a set-interval under 10 s is answered invalid and changes nothing', (t) => {
  const broker = makeBroker();
  send(broker, encodeTx(41, SLEEPY.mac, commandPayload(41, [record('setInterval', 2)])), 0.5);
  const heard = parseOutput(broker.advance(5.5));
  const result = heard.find((h) => h.type === 'rx' && h.view.kind === 'RESULT');
  t.like(result?.type === 'rx' ? result.view.values : undefined, { commandId: 41, outcome: OUTCOME.INVALID });
  t.is(broker.sensorNode(SLEEPY.mac)?.intervalS, 5);
});

test('a relay command to a sensor node is unsupported', (t) => {
  const broker = makeBroker();
  send(broker, encodeTx(42, SLEEPY.mac, commandPayload(42, [record('channel', 1), record('relay', 1)])), 0.5);
  const result = parseOutput(broker.advance(5.5)).find((h) => h.type === 'rx' && h.view.kind === 'RESULT');
  t.like(result?.type === 'rx' ? result.view.values : undefined, { commandId: 42, outcome: OUTCOME.UNSUPPORTED });
});

const INVALID: [string, string][] = [
  ['a payload that is no radio message (version 2)', encodeLine('TX', ['50', STRIP.mac, '020100000000'])],
  ['a payload cut short', encodeLine('TX', ['50', STRIP.mac, '0181'])],
  ['a MAC in upper case', encodeLine('TX', ['50', STRIP.mac.toUpperCase(), commandPayload(50, []).toString('hex')])],
  ['odd-length hex', encodeLine('TX', ['50', STRIP.mac, '018'])],
  ['a missing field', encodeLine('TX', ['50', STRIP.mac])],
];

for (const [name, line] of INVALID) {
  test(`TX with ${name}: TXR invalid`, (t) => {
    const broker = makeBroker();
    t.deepEqual(send(broker, line, 1).map(brief), ['TXR 50 invalid'], 'at once, as the firmware answers it');
    t.deepEqual(parseOutput(broker.advance(1.1)).filter((h) => h.type === 'txr'), []);
  });
}

test('a TX line with no usable id gets no answer (the broker cannot name it)', (t) => {
  const broker = makeBroker();
  send(broker, encodeLine('TX', ['0', STRIP.mac, 'zz']), 1);
  send(broker, encodeLine('TX', ['70000', STRIP.mac, 'zz']), 1);
  t.deepEqual(parseOutput(broker.advance(1.1)).filter((h) => h.type === 'txr'), []);
});

test('a non-COMMAND for a sleepy node fails; TIME is taken silently', (t) => {
  const broker = makeBroker();
  t.deepEqual(send(broker, encodeTime(1_780_000_000), 1), []);
  send(broker, encodeTx(60, SLEEPY.mac, Buffer.from('010100000000', 'hex')), 1);
  t.deepEqual(parseOutput(broker.advance(1.1)).filter((h) => h.type === 'txr').map(brief), ['TXR 60 failed']);
});

test('a command for a node nobody hears is held (the heartbeat counts it) and expires after 24 h', (t) => {
  const broker = new SimulatedBroker({ nodes: [], random: seededRandom(12), noiseRate: 0, radioDelayS: 0 });
  broker.advance(0);
  t.deepEqual(send(broker, encodeTx(61, 'a0a0a0a0a0a0', commandPayload(61, [record('setInterval', 60)])), 1).map(brief), ['TXR 61 queued']);
  const hb = parseOutput(broker.advance(10)).find((h) => h.type === 'hb');
  t.like(hb?.type === 'hb' ? hb.event : undefined, { queued: 1 });
  t.deepEqual(parseOutput(broker.advance(86_400)).filter((h) => h.type === 'txr'), []);
  const expired = parseOutput(broker.advance(86_410));
  t.deepEqual(expired.filter((h) => h.type === 'txr').map(brief), ['TXR 61 expired']);
  const after = expired.find((h) => h.type === 'hb');
  t.like(after?.type === 'hb' ? after.event : undefined, { queued: 0 });
});

test('the demo house for 3 simulated minutes: every frame parses and every radio message decodes with the gateway codecs', (t) => {
  const broker = new SimulatedBroker({ nodes: [...DEMO_NODES], strips: DEMO_STRIPS, random: seededRandom(2026), noiseRate: 0.05 });
  const heard: Heard[] = [];
  for (let s = 0; s <= 180; s += 0.2) heard.push(...parseOutput(broker.advance(s)));
  const macs = new Set(heard.flatMap((h) => (h.type === 'rx' ? [h.mac] : [])));
  t.is(macs.size, DEMO_NODES.length + 1, 'six sensor nodes and the strip');
  t.true(heard.some((h) => h.type === 'console'), 'console noise is there too');
  const strip = heard.filter((h) => h.type === 'rx' && h.mac === DEMO_STRIPS[0].mac);
  t.true(strip.length >= 18, `the strip reports every 10 s and on changes (${strip.length} messages)`);
});
