import anyTest, { type TestFn } from 'ava';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CAPABILITY_BITS, decodeMessage, KIND, record, type RecordDraft } from '../../../src/protocol/index.ts';
import { spawnGateway, writeConfig, type GatewayProcess } from '../../helpers/gateway-process.ts';
import { startPtyPair, type PtyPair } from '../../helpers/pty-pair.ts';
import { ScriptedBroker } from '../../helpers/scripted-broker.ts';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir.ts';
import { startVictoria, type Victoria } from '../../helpers/victoria.ts';

/*
 * End to end on the pty: the real CLI (`espnow-gateway run`, its own
 * process) with a `panels` section, on a real socat pty, storing in a real
 * VictoriaMetrics. The test plays the broker, a relay socket and the rack
 * PDU's panel line by line, and checks the exact TX lines the gateway writes.
 */
const SOCKET = 'a2b2c2d2e2a1';
const PANEL = 'a2b2c2d2e2b1';

interface Rig {
  dir: TempDir;
  pty: PtyPair;
  vm: Victoria;
  broker: ScriptedBroker;
  gw: GatewayProcess;
}

const test = anyTest as TestFn<Rig>;

const le16 = (n: number): string => Buffer.from([n & 0xff, n >> 8]).toString('hex');
const le32 = (n: number): string => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b.toString('hex'); };

/** A TX line by hand from PROTOCOL.md section 2 (`TX,<id>,<mac>,<payload>*CRC`, CRC-32 of what precedes `*`). */
function txLine(id: number, mac: string, payloadHex: string): string {
  const body = `TX,${id},${mac},${payloadHex}`;
  return `${body}*${crc32(body).toString(16).padStart(8, '0')}`;
}

/** A COMMAND by hand (section 4): header v1 COMMAND boot 0 seq = id, command id, then `actionHex`. */
const command = (id: number, actionHex: string): string => `01810000${le16(id)}5102${le16(id)}${actionHex}`;

const outlet = (on: boolean, power: number, energy: number): RecordDraft[] => [
  record('channel', 1), record('voltage', 23010), record('current', on ? 540 : 0), record('power', on ? power : 0), record('energy', energy), record('relay', on ? 1 : 0),
];

test.before(async (t) => {
  const dir = await makeTempDir('panel-pty');
  const pty = await startPtyPair();
  const vm = await startVictoria();
  const config = await writeConfig(dir.path, {
    gateway: 'panel-gw',
    dataDir: join(dir.path, 'data'),
    serial: { path: pty.gatewayPath, baudRate: 115200 },
    influx: { url: vm.url, org: 'home', bucket: 'sensors', token: 'secret', flushIntervalMs: 100 },
    nodes: { [SOCKET]: 'Rack', [PANEL]: 'Rack' },
    clock: { requireSync: false },
    panels: { 'a2:b2:c2:d2:e2:b1': { buttons: { 1: { node: 'a2:b2:c2:d2:e2:a1', channel: 1 } } } },
  });
  const gw = spawnGateway(['run', '--config', config]);
  t.context = { dir, pty, vm, broker: new ScriptedBroker(pty), gw };
  await gw.waitForLog((l) => l.msg === 'panel bindings on', 20_000, 'the panel bindings started');
  await gw.waitForLog((l) => String(l.msg).startsWith('broker serial port'), 10_000, 'serial port open');
});

test.after.always(async (t) => {
  const rig = t.context;
  rig.broker?.stopHeartbeat();
  await rig.gw?.stop('SIGKILL');
  await rig.pty?.stop();
  await rig.vm?.stop();
  await rig.dir?.remove();
});

test.serial('a long press on button 1 toggles the socket on; the confirmed relay lights LED 1; a short press shows the outlet on the LCD', async (t) => {
  const { broker } = t.context;
  await broker.heartbeat(3000);
  await broker.rx(SOCKET, KIND.HELLO, [record('firmware', 'socket-1.2'), record('capabilities', CAPABILITY_BITS.POWER_METER | CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING), record('interval', 60)]);
  await broker.rx(SOCKET, KIND.REPORT, outlet(false, 0, 1200));
  await broker.rx(PANEL, KIND.HELLO, [
    record('firmware', 'panel-1.0'), record('capabilities', CAPABILITY_BITS.BUTTONS | CAPABILITY_BITS.TEXT_DISPLAY | CAPABILITY_BITS.LEDS | CAPABILITY_BITS.LISTENING), record('interval', 60),
  ]);

  // The panel's HELLO: its LEDs get the relays as confirmed (all off).
  const dark = await broker.waitTx((l) => l.mac === PANEL, 5000, 'the LED command after the panel\'s HELLO');
  t.is(dark.raw, txLine(dark.id, PANEL, command(dark.id, `5904${le32(0)}`)));
  await broker.txr(dark.id, 'sent');
  await broker.result(PANEL, dark.id, 0);

  // Long press (0x16 = 2) on button 1 (0x0f = 1): channel 1 of the socket switches on.
  await broker.rx(PANEL, KIND.REPORT, [record('channel', 1), record('press', 2)]);
  const toggle = await broker.waitTx((l) => l.mac === SOCKET, 5000, 'the toggle');
  t.is(toggle.raw, txLine(toggle.id, SOCKET, command(toggle.id, '0f0101140101')));
  await broker.txr(toggle.id, 'sent');
  await broker.result(SOCKET, toggle.id, 0, [record('channel', 1), record('relay', 1)]);

  const lit = await broker.waitTx((l) => l.mac === PANEL && l.id > dark.id, 5000, 'the LED command after the relay was confirmed');
  t.is(lit.raw, txLine(lit.id, PANEL, command(lit.id, `5904${le32(0b10)}`)));
  await broker.txr(lit.id, 'sent');
  await broker.result(PANEL, lit.id, 0);

  // The socket reports its load; a short press (0x16 = 1) shows it on the LCD.
  await broker.rx(SOCKET, KIND.REPORT, outlet(true, 1234, 1210));
  await broker.rx(PANEL, KIND.REPORT, [record('channel', 1), record('press', 1)]);
  const shown = await broker.waitTx((l) => l.mac === PANEL && l.id > lit.id, 5000, 'the text command');
  const records = decodeMessage(Buffer.from(shown.payloadHex, 'hex')).records;
  t.deepEqual(records.map((r) => r.type), [0x51, 0x58], 'command id, then text');
  const lines = String(records[1].raw).split('\n');
  t.is(lines.length, 4);
  t.is(lines[0], 'Rack outlet 1');
  t.is(lines[1], '123.4 W  0.54 A');
  t.regex(lines[2], /^today \d+\.\d\d kWh$/);
  t.is(lines[3], 'relay on');
  t.deepEqual(t.context.broker.txLines().map((l) => l.mac), [PANEL, SOCKET, PANEL, PANEL], 'nothing else was sent');
});
