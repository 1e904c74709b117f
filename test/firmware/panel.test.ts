/**
 * The front-panel controller firmware (micropython/panel) end to end in the
 * real interpreter: buttons (pin levels) and the LCD backpack model on the
 * panel, the simulated air, the broker firmware, and the broker's UART bytes
 * read by the gateway's TypeScript decoder (src/protocol).
 */
import test from 'ava';
import { encodeMessage, encodeTx, record } from '../../src/protocol/index.ts';
import { FirmwareRig } from './harness.ts';
import { addPanel, bootPanel, lcdScreen, panelState, pressButton, type PanelOptions } from './panel-fixture.ts';
import { uartEvents } from './uart-events.ts';

const BROKER = 'a0b1c2d3e4f5';
const PANEL = 'a2b2c2d2e2a1';

async function world(options: PanelOptions = {}) {
  const rig = await FirmwareRig.create(7);
  rig.addBroker('broker', BROKER);
  addPanel(rig, 'p', PANEL, options);
  bootPanel(rig, 'p');
  rig.runFor(500);
  return rig;
}
const rxFrom = (rig: FirmwareRig) => uartEvents(rig.uartText('broker')).rx.filter((r) => r.mac === PANEL);
const results = (rig: FirmwareRig) => rxFrom(rig).filter((r) => r.view.kind === 'RESULT').map((r) => [r.view.values.commandId, r.view.values.outcome]);

function command(rig: FirmwareRig, id: number, records: ReturnType<typeof record>[]) {
  const msg = encodeMessage({ kind: 0x81, boot: 0, seq: id, records: [record('commandId', id), ...records] });
  rig.feed('broker', `${encodeTx(id, PANEL, msg)}\n`);
  rig.runFor(300);
}

test('boots with a HELLO: listening, buttons, text display and LEDs (capability bits 5..8)', async (t) => {
  const rig = await world();
  const hello = rxFrom(rig).find((r) => r.view.kind === 'HELLO');
  t.truthy(hello);
  t.is(hello!.view.values.capabilities, 0x1e0);
  t.is(hello!.view.values.firmware, 'panel-1.0.0');
  t.deepEqual(panelState(rig, 'p').crashes, []);
  t.deepEqual(uartEvents(rig.uartText('broker')).console, []);
});

test('a long press of button 2 comes out as an RX line: REPORT, channel 2, press 2 (long); a short press of button 1 as press 1', async (t) => {
  const rig = await world();
  pressButton(rig, 'p', 33, 1200);
  rig.runFor(2000);
  pressButton(rig, 'p', 32, 150);
  rig.runFor(1000);
  const presses = rxFrom(rig).filter((r) => r.view.kind === 'REPORT' && r.message.records.some((x) => x.type === 0x16));
  t.deepEqual(presses.map((r) => r.message.records.map((x) => [x.type, x.raw])), [[[0x0f, 2], [0x16, 2]], [[0x0f, 1], [0x16, 1]]]);
  t.deepEqual(presses.map((r) => r.view.channels), [[{ channel: 2, press: 2 }], [{ channel: 1, press: 1 }]]);
  t.is(panelState(rig, 'p').presses, 2, 'one event per press, none on release');
  t.deepEqual(panelState(rig, 'p').crashes, []);
});

test('a TX line with a 0x58 COMMAND: the LCD shows its text, TXR sent, RESULT ok with the command id', async (t) => {
  const rig = await world();
  command(rig, 7, [record('text', 'Living room\n21.5 C  40 %\n\nHeating on')]);
  t.deepEqual(lcdScreen(rig, 'p'), ['Living room'.padEnd(20), '21.5 C  40 %'.padEnd(20), ' '.repeat(20), 'Heating on'.padEnd(20)]);
  const txr = uartEvents(rig.uartText('broker')).events.filter((e) => e.type === 'txr');
  t.like(txr.at(-1), { id: 7, status: 'sent' });
  t.deepEqual(results(rig), [[7, 0]]);
});

test('0x59 sets the LEDs (bit n = channel n); a bit without an LED is invalid, a relay record unsupported, a repeat answered once more but not run again', async (t) => {
  const rig = await world();
  command(rig, 20, [record('leds', 0b1010)]);
  const pins = panelState(rig, 'p').pins;
  t.deepEqual([27, 14, 12, 13].map((n) => pins[String(n)]), [1, 0, 1, 0], 'channels 1 and 3 lit (bits 1 and 3)');
  command(rig, 21, [record('leds', 1 << 5)]);
  command(rig, 22, [record('channel', 1), record('relay', 1)]);
  command(rig, 23, [record('text', 'a'), record('leds', 2)]);
  const after = panelState(rig, 'p').pins;
  t.deepEqual([27, 14, 12, 13].map((n) => after[String(n)]), [1, 0, 1, 0], 'the invalid commands changed nothing');
  command(rig, 24, [record('leds', 0b100)]);
  command(rig, 20, [record('leds', 0b1010)]);
  t.deepEqual(results(rig), [[20, 0], [21, 2], [22, 1], [23, 2], [24, 0], [20, 0]]);
  const last = panelState(rig, 'p').pins;
  t.deepEqual([27, 14, 12, 13].map((n) => last[String(n)]), [0, 1, 0, 0], 'command 20 again: answered, not run again');
});

test('LEDs on a 74HC595 chain follow 0x59', async (t) => {
  const rig = await world({ config: { LEDS: '("hc595", 15, 12)', BUTTON_PINS: '(32, 33, 25, 26, 4, 16, 17, 5, 2, 0, 35, 34)' }, hc595: [15, 2] });
  command(rig, 9, [record('leds', 0b1_0000_0000_0110)]);
  t.is(panelState(rig, 'p').chain, 0b1000_0000_0011);
  t.deepEqual(results(rig), [[9, 0]]);
});

test('no LCD backpack on the bus: HELLO without the text-display bit, a text COMMAND is unsupported', async (t) => {
  const rig = await world({ lcd: false });
  t.is(rxFrom(rig).find((r) => r.view.kind === 'HELLO')!.view.values.capabilities, 0x160);
  command(rig, 3, [record('text', 'hello')]);
  t.deepEqual(results(rig), [[3, 1]]);
  t.deepEqual(panelState(rig, 'p').crashes, []);
});
