import test from 'ava';
import type { CommandRequest, CommandSource, CommandView } from '../../../src/commands/types.ts';
import { PanelBindings, type PanelsConfig } from '../../../src/control/panel-bindings/index.ts';
import { CAPABILITY_BITS, KIND, record } from '../../../src/protocol/index.ts';
import { LEVEL, recordingLog, type RecordingLog } from '../../helpers/recording-log.ts';
import { nodesRig, RecordingCommands, refused, SOCKET, type NodesRig } from '../mqtt/mqtt-rig.ts';

/*
 * The service on the real NodeRegistry, NodeStore and EventBus (the MQTT
 * tests' rig: the office socket, channel 1 on at 250 W, channel 2 off), with
 * a recording command queue. The panel has buttons 1 and 2 bound to the
 * socket's channels 1 and 2; button 5 is not bound.
 */
const PANEL = 'a2b2c2d2e2b1';
const PANELS: PanelsConfig = {
  [PANEL]: { mac: PANEL, buttons: [{ button: 1, node: SOCKET, channel: 1 }, { button: 2, node: SOCKET, channel: 2, name: 'Desk lamp' }] },
};

/** The recording queue, refusing relay commands only while `refuseRelay` is set (so the LCD still gets the refusal). */
class Commands extends RecordingCommands {
  refuseRelay: ReturnType<typeof refused> | undefined;
  override submit(mac: string, request: CommandRequest, source: CommandSource): CommandView {
    if (request.type === 'relay' && this.refuseRelay) {
      this.submitted.push({ mac, request, source });
      throw this.refuseRelay;
    }
    return super.submit(mac, request, source);
  }
}

interface Rig extends NodesRig {
  commands: Commands;
  recorded: RecordingLog;
  service: PanelBindings;
  /** The panel's HELLO, as after it boots. */
  panelHello(): void;
  press(button: number, press: number): void;
  /** What the service submitted since the last call. */
  take(): Array<{ mac: string; request: CommandRequest; source: CommandSource }>;
}

function rig(): Rig {
  const nodes = nodesRig();
  const recorded = recordingLog();
  const commands = new Commands(nodes.bus, () => nodes.clock.now);
  const service = new PanelBindings({ panels: PANELS, nodes: nodes.nodes, bus: nodes.bus, commands, log: recorded.log, now: () => nodes.clock.now, dayOf: () => 'today' });
  service.start();
  let seen = 0;
  return {
    ...nodes, commands, recorded, service,
    panelHello: () => nodes.hear(PANEL, [
      record('firmware', 'panel-1.0'), record('capabilities', CAPABILITY_BITS.BUTTONS | CAPABILITY_BITS.TEXT_DISPLAY | CAPABILITY_BITS.LEDS | CAPABILITY_BITS.LISTENING),
    ], KIND.HELLO),
    press: (button, press) => nodes.hear(PANEL, [record('channel', button), record('press', press)]),
    take: () => commands.submitted.slice(seen, (seen = commands.submitted.length)),
  };
}

test('a socket heard before the panel: no LED command until the panel is heard; its HELLO gets the mask of the confirmed relays', (t) => {
  const r = rig();
  r.hear(SOCKET, [record('channel', 2), record('relay', 0)]);
  t.deepEqual(r.take(), [], 'the panel was never heard');
  r.panelHello();
  t.deepEqual(r.take(), [{ mac: PANEL, request: { type: 'leds', mask: 0b10 }, source: 'panel' }]);
  r.hear(PANEL, [record('status', 0)]);
  t.deepEqual(r.take(), [], 'the same mask is not sent again');
  r.panelHello();
  t.deepEqual(r.take(), [{ mac: PANEL, request: { type: 'leds', mask: 0b10 }, source: 'panel' }], 'a HELLO (the panel rebooted) sends it again');
});

test('the LEDs follow the confirmed relays, and only a changed mask is sent', (t) => {
  const r = rig();
  r.panelHello();
  r.take();
  r.hear(SOCKET, [record('channel', 2), record('relay', 1)]);
  t.deepEqual(r.take().map((c) => c.request), [{ type: 'leds', mask: 0b110 }]);
  r.hear(SOCKET, [record('channel', 2), record('relay', 1), record('power', 50)]);
  r.commands.submit(SOCKET, { type: 'relay', channel: 1, state: 'off' }, 'api'); // pending: not confirmed
  t.deepEqual(r.take().map((c) => c.request), [{ type: 'relay', channel: 1, state: 'off' }], 'no LED command for an unchanged mask or a pending command');
  r.hear(SOCKET, [record('channel', 1), record('relay', 0), record('channel', 2), record('relay', 0)]);
  t.deepEqual(r.take().map((c) => c.request), [{ type: 'leds', mask: 0 }]);
});

test('a long press toggles the bound outlet through the queue, source panel', (t) => {
  const r = rig();
  r.panelHello();
  r.take();
  r.press(1, 2);
  t.deepEqual(r.take(), [{ mac: SOCKET, request: { type: 'relay', channel: 1, state: 'toggle' }, source: 'panel' }]);
  t.is(r.recorded.find('panel toggles an outlet').length, 1);
});

test('a short press shows the outlet on the LCD: name, power and current, energy today, relay', (t) => {
  const r = rig();
  r.panelHello();
  r.hear(SOCKET, [record('channel', 1), record('relay', 1), record('power', 1234), record('current', 540), record('energy', 10_000)]);
  r.hear(SOCKET, [record('channel', 1), record('relay', 1), record('power', 1234), record('current', 540), record('energy', 11_230)]);
  r.take();
  r.press(1, 1);
  t.deepEqual(r.take(), [{ mac: PANEL, request: { type: 'text', text: 'Office outlet 1\n123.4 W  0.54 A\ntoday 1.23 kWh\nrelay on' }, source: 'panel' }]);
  r.press(2, 1);
  t.deepEqual(r.take().map((c) => c.request), [{ type: 'text', text: 'Desk lamp\n-- W  -- A\ntoday -- kWh\nrelay off' }]);
});

test('a press of a button with no binding says so on the LCD', (t) => {
  const r = rig();
  r.panelHello();
  r.take();
  r.press(5, 1);
  t.deepEqual(r.take().map((c) => c.request), [{ type: 'text', text: 'button 5\nnot bound' }]);
});

const refusals: Array<[Parameters<typeof refused>[0], string]> = [['BROKER_SILENT', 'broker silent'], ['UNKNOWN_STATE', 'state unknown'], ['TOO_MANY_PENDING', 'busy, try again']];
for (const [code, shown] of refusals) {
  test(`a toggle the queue refuses (${code}) is logged and shown on the LCD as "${shown}"`, (t) => {
    const r = rig();
    r.panelHello();
    r.take();
    r.commands.refuseRelay = refused(code, 'refused for the test');
    r.press(2, 2);
    t.deepEqual(r.take().map((c) => c.request), [{ type: 'relay', channel: 2, state: 'toggle' }, { type: 'text', text: `Desk lamp\nnot switched:\n${shown}` }]);
    t.like(r.recorded.find('toggle from the panel refused', LEVEL.warn)[0], { code, node: 'a2:b2:c2:d2:e2:f3', channel: 2, button: 2 });
  });
}

test('a toggle that fails after it was taken (no radio ack) is shown on the LCD; an ok one is not', (t) => {
  const r = rig();
  r.panelHello();
  r.take();
  r.press(1, 2);
  r.press(2, 2);
  const [first, second] = r.take();
  t.deepEqual([first.request, second.request], [{ type: 'relay', channel: 1, state: 'toggle' }, { type: 'relay', channel: 2, state: 'toggle' }]);
  const final = (id: number, status: 'failed' | 'ok'): CommandView => ({
    id, mac: SOCKET, room: 'Office', action: { type: 'relay', channel: 1, state: 'on' }, requested: first.request, source: 'panel',
    status, createdMs: 0, updatedMs: 0, history: [],
  });
  r.bus.emit('commandChanged', final(2, 'ok')); // ids: 1 the LED command, 2 and 3 the toggles
  t.deepEqual(r.take(), []);
  r.bus.emit('commandChanged', final(3, 'failed'));
  t.deepEqual(r.take().map((c) => c.request), [{ type: 'text', text: 'Desk lamp\nnot switched:\nno radio ack' }]);
});

test('an LED command the queue refuses is sent again on the next change; stop() unsubscribes', (t) => {
  const r = rig();
  r.commands.refuse = refused('BROKER_SILENT', 'no heartbeat');
  r.panelHello();
  t.is(r.recorded.find('leds for the panel refused', LEVEL.warn).length, 1);
  r.commands.refuse = undefined;
  r.take();
  r.hear(PANEL, [record('status', 0)]);
  t.deepEqual(r.take().map((c) => c.request), [{ type: 'leds', mask: 0b10 }]);
  r.service.stop();
  r.press(1, 2);
  t.deepEqual(r.take(), []);
});
