import test from 'ava';
import { DEMO_STRIPS, seededRandom } from '../../src/demo/demo-nodes.ts';
import { MockBrokerLink } from '../../src/demo/mock-broker-link.ts';
import { MockBinding, type MockPort } from '../../src/demo/mock-serial.ts';
import { SimulatedBroker } from '../../src/demo/simulated-broker.ts';
import type { SimulatedNodeSpec } from '../../src/demo/simulated-node.ts';
import { silentLogger } from '../../src/log.ts';
import { encodeTime, encodeTx, OUTCOME, record } from '../../src/protocol/index.ts';
import { BrokerPort } from '../../src/serial/broker-port.ts';
import { openPort, type PortStream } from '../../src/serial/open-port.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { brief, commandPayload, parseOutput, type Heard } from './broker-output.ts';

const STRIP = DEMO_STRIPS[0];
const SLEEPY: SimulatedNodeSpec = { mac: 'a2b2c2d2e2f3', intervalS: 6, baseTempC: 19, swingC: 1, baseHumidity: 50, peakLux: 300, batteryV: 3.9, rssi: -70 };

/**
 * The gateway's serial stage (BrokerPort) on serialport's mock binding, the
 * simulated broker behind it through {@link MockBrokerLink}, stepped by hand:
 * simulated time is the test's, the bytes go through the real streams.
 */
async function rig(t: { teardown: (fn: () => Promise<void>) => void }, path: string) {
  MockBinding.createPort(path, { echo: false, record: true });
  let stream: PortStream | undefined;
  const port = new BrokerPort({
    path, baudRate: 115200, log: silentLogger, binding: MockBinding, watchIntervalMs: 0,
    openPort: async (options) => (stream = await openPort(options)),
  });
  const lines: string[] = [];
  port.on('line', (line) => lines.push(line));
  port.start();
  t.teardown(() => port.stop());
  await waitFor(() => port.isOpen, 5000, 'mock port open');
  const broker = new SimulatedBroker({ nodes: [SLEEPY], strips: [STRIP], random: seededRandom(5), noiseRate: 0.1 });
  const link = new MockBrokerLink({ broker, port: () => stream?.port as MockPort | undefined });
  const heard = (): Heard[] => parseOutput(lines.join('\n'));
  return { port, link, heard };
}

test('over the mock serial port: a TX line from the gateway comes back as TXR sent and the strip RESULT; TIME and a bad-CRC line get no answer', async (t) => {
  const { port, link, heard } = await rig(t, 'sim-link-listening');
  link.step(0);
  await waitFor(() => heard().some((h) => h.type === 'rx' && h.mac === STRIP.mac && h.view.kind === 'REPORT'), 5000, 'first strip report');
  await port.write(encodeTime(1_780_000_000));
  await port.write('TX,9,a2b2c2d2e2a1,0181000009005102090014010f0102*00000000');
  await port.write(encodeTx(7, STRIP.mac, commandPayload(7, [record('channel', 2), record('relay', 1), record('autoOff', 600)])));
  link.step(1);
  link.step(1.1);
  await waitFor(() => heard().some((h) => h.type === 'rx' && h.view.kind === 'RESULT'), 5000, 'the RESULT');
  const ours = heard().filter((h) => h.type === 'txr' || (h.type === 'rx' && h.view.kind === 'RESULT'));
  t.deepEqual(ours.map(brief), ['TXR 7 sent', `RX ${STRIP.mac} RESULT`], 'no answer to TIME or to the line with a bad CRC');
  const result = ours[1].type === 'rx' ? ours[1].view : undefined;
  t.deepEqual(result?.values, { commandId: 7, outcome: OUTCOME.OK });
  t.deepEqual(result?.channels, [{ channel: 2, relay: true }]);
  t.true(heard().some((h) => h.type === 'console'), 'console noise reaches the gateway as non-frames');
});

test('over the mock serial port: a sleepy node gets its set-interval at its next report (queued, delivered, RESULT ok)', async (t) => {
  const { port, link, heard } = await rig(t, 'sim-link-sleepy');
  link.step(0);
  await waitFor(() => heard().some((h) => h.type === 'rx' && h.mac === SLEEPY.mac), 5000, 'first sensor report');
  await port.write(encodeTx(3, SLEEPY.mac, commandPayload(3, [record('setInterval', 30)])));
  link.step(1);
  link.step(1.1);
  await waitFor(() => heard().some((h) => h.type === 'txr'), 5000, 'TXR queued');
  for (let s = 2; s <= 7; s += 1) link.step(s);
  await waitFor(() => heard().some((h) => h.type === 'rx' && h.view.kind === 'RESULT'), 5000, 'the RESULT');
  const ours = heard().filter((h) => h.type === 'txr' || (h.type === 'rx' && h.mac === SLEEPY.mac && h.view.kind !== 'HELLO')).map(brief);
  t.deepEqual(ours, [`RX ${SLEEPY.mac} REPORT`, 'TXR 3 queued', 'TXR 3 delivered', `RX ${SLEEPY.mac} REPORT`, `RX ${SLEEPY.mac} RESULT`]);
  const result = heard().find((h) => h.type === 'rx' && h.view.kind === 'RESULT');
  t.deepEqual(result?.type === 'rx' ? result.view.values : undefined, { commandId: 3, outcome: OUTCOME.OK });
});
