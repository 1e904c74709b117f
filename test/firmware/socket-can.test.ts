/**
 * The socket node over CAN instead of ESP-NOW (`"link": "can"` in
 * socket.json) in the real interpreter: its MCP2515 model and the broker's
 * share one simulated CAN bus; gateway bytes go into the broker firmware and
 * the broker's UART bytes are read by the TypeScript decoder (src/protocol).
 */
import test from 'ava';
import { CAPABILITY_BITS, encodeMessage, encodeTx, KIND } from '../../src/protocol/index.ts';
import { FirmwareRig, type SocketWiring } from './harness.ts';
import { BROKER, INA_WIRING, setDht } from './socket-fixture.ts';
import { uartEvents } from './uart-events.ts';

const NODE = '02ca00000005';
const CAN_WIRING: SocketWiring = { ...INA_WIRING, link: 'can', can: { node: 5, sck: 18, mosi: 23, miso: 19, cs: 5, osc_hz: 8000000 } };

async function canWorld(wiring: SocketWiring = CAN_WIRING): Promise<FirmwareRig> {
  const rig = await FirmwareRig.create(11);
  rig.addCanBroker('broker', BROKER);
  rig.addSocket('s1', 'a2b2c2d2e2a1', wiring, undefined);
  setDht(rig, 21.5, 50);
  return rig;
}

const rx = (rig: FirmwareRig) => uartEvents(rig.uartText('broker')).rx.filter((r) => r.mac === NODE);
const txr = (rig: FirmwareRig) => uartEvents(rig.uartText('broker')).events.filter((e) => e.type === 'txr');
const result = (rig: FirmwareRig, id: number) => rx(rig).find((r) => r.view.kind === 'RESULT' && r.view.values.commandId === id);

function command(rig: FirmwareRig, id: number, records: [number, number][]): void {
  const payload = encodeMessage({ kind: KIND.COMMAND, boot: 0, seq: id, records: [{ type: 0x51, raw: id }, ...records.map(([type, raw]) => ({ type, raw }))] });
  rig.feed('broker', `${encodeTx(id, NODE, payload)}\n`);
  rig.runFor(300);
}

test('over CAN: HELLO (listening + CAN bits) and REPORT as RX lines under 02ca00000005; the worked example\'s TX line switches the relay over CAN, TXR sent, the RESULT back as an RX line with relay on', async (t) => {
  const rig = await canWorld();
  rig.setLoad('s1', 2, 12, 2);
  rig.bootSocket('s1');
  rig.runFor(1000);
  const [hello, report] = rx(rig);
  t.is(hello.view.kind, 'HELLO');
  t.is(hello.rssi, undefined, 'a CAN node has no RSSI');
  t.is(hello.view.values.capabilities, CAPABILITY_BITS.POWER_METER | CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING | CAPABILITY_BITS.ENVIRONMENT | CAPABILITY_BITS.CAN);
  t.is(report.view.kind, 'REPORT');
  t.deepEqual(report.view.channels.map((c) => [c.channel, c.relay]), [[1, false], [2, false]]);

  rig.feed('broker', `${encodeTx(7, NODE, Buffer.from('018100000700' + '51020700' + '0f0102' + '140101' + '57025802', 'hex'))}\n`);
  rig.runFor(200);
  t.deepEqual(rig.socketState('s1').relays, [0, 1], 'GPIO17 drives the relay of channel 2');
  t.deepEqual(txr(rig), [{ type: 'txr', id: 7, status: 'sent' }]);
  const res = result(rig, 7)!;
  t.deepEqual(res.view.values, { commandId: 7, outcome: 0 });
  t.deepEqual(res.view.channels, [{ channel: 2, relay: true }]);
  t.is(res.message.records.map((r) => `${r.type}:${r.raw}`).join(' '), '81:7 82:0 15:2 20:1', 'the worked example\'s RESULT records');
  rig.runFor(1500);
  const change = rx(rig).filter((r) => r.view.kind === 'REPORT').at(-1)!;
  t.deepEqual(change.view.channels.map((c) => [c.channel, c.relay, c.power]), [[2, true, 24]], 'the switch reported at once with the load\'s power');
  t.deepEqual(rig.frames().filter(([, src]) => src === 's1'), [], 'nothing on the ESP-NOW air');
  t.deepEqual(rig.socketState('s1').crashes, []);
  t.deepEqual(rig.summary('broker').crashes, []);
});

test('over CAN, the bus gone (broker unplugged): over-current still opens the relay on the second reading (trip 1), and each turn stays short', async (t) => {
  const rig = await canWorld();
  rig.setLoad('s1', 1, 12, 1);
  rig.bootSocket('s1');
  rig.runFor(1000);
  command(rig, 1, [[0x0f, 1], [0x55, 2000], [0x14, 1]]);
  t.deepEqual(result(rig, 1)?.view.channels, [{ channel: 1, relay: true, powerOnState: 0, currentLimit: 2, humidityLimit: 0 }]);
  rig.py('import can_chips\ncan_chips.shared_bus().chips.remove(rig.W.devices["broker"].can_chip)');
  rig.setLoad('s1', 1, 12, 2.5);
  const start = rig.now();
  rig.runFor(1000);
  t.deepEqual(rig.socketState('s1').relays, [1, 0], 'one reading over the limit is tolerated');
  rig.runFor(1000);
  const s = rig.socketState('s1');
  t.deepEqual(s.relays, [0, 0], 'the second reading over the limit opened the relay');
  t.is(s.channels![0].trip, 1);
  t.is(rig.now() - start, 2000, 'no turn overran its second (a report that cannot go costs 4 x 20 ms, not 4 x 1 s)');
  t.deepEqual(s.crashes, []);
});

test('over CAN, the MCP2515 stops answering (SPI reads 0xff): the socket keeps measuring and its humidity cut-off opens the relay (trip 3)', async (t) => {
  const rig = await canWorld();
  rig.bootSocket('s1');
  rig.runFor(1000);
  command(rig, 1, [[0x0f, 2], [0x56, 7000]]);
  command(rig, 2, [[0x0f, 2], [0x14, 1]]);
  t.deepEqual(rig.socketState('s1').relays, [0, 1]);
  rig.py('_d = rig.W.devices["s1"]\n_d.spi[18].remove(_d.can_chip)');
  setDht(rig, 22, 75);
  rig.runFor(2500);
  const s = rig.socketState('s1');
  t.deepEqual(s.relays, [0, 0]);
  t.is(s.channels![1].trip, 3);
  t.deepEqual(s.crashes, []);
});

test('socket.json for CAN: a missing node, a pin another part uses and a crystal that cannot make 125 kbit/s are listed together; nothing is switched', async (t) => {
  const rig = await canWorld({ ...INA_WIRING, link: 'can', can: { node: 0, sck: 18, mosi: 23, miso: 19, cs: 16, osc_hz: 10000000 } });
  rig.bootSocket('s1');
  rig.runFor(500);
  const crash = rig.socketState('s1').crashes.join('\n');
  for (const want of ['socket.json: can.node: 0 is not a number in 1..127', 'socket.json: can.cs: GPIO16 is already used by channels[0].relay', 'socket.json: can.osc_hz: 10000000 is not a crystal']) {
    t.true(crash.includes(want), want);
  }
  t.deepEqual(rig.socketState('s1').relays, [null, null]);
});
