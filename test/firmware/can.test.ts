/**
 * The MCP2515 driver (micropython/lib/mcp2515.py) and the ISO-TP link over
 * it (can_link.py) in the real interpreter, between MCP2515 register models
 * sharing one simulated CAN bus (test/firmware/fakes/can_chips.py).
 */
import test from 'ava';
import { FirmwareRig, q } from './harness.ts';

/** A bus with the broker ("b", MCP2515 for the broker) and node 5 ("n5"). */
async function pair(nodeOsc = 8_000_000) {
  const rig = await FirmwareRig.create(2);
  rig.py(`
import json, bench_rig, can_chips
bus = can_chips.new_bus()
bench_rig.can_device("b", bus)
bench_rig.can_device("n5", bus, node=5, osc_hz=${nodeOsc}, mac="02cafe000005")
`);
  return rig;
}
const run = (rig: FirmwareRig, dev: string, code: string) => rig.py(`bench_rig.run(${q(dev)}, ${q(code)})`);
const val = <T>(rig: FirmwareRig, dev: string, expr: string) => JSON.parse(rig.str(`bench_rig.value(${q(dev)}, ${q(expr)})`)) as T;
const crashes = (rig: FirmwareRig, dev: string) => rig.json<string[]>(`bench_rig.crashes(${q(dev)})`);

test('bit timing for 125 kbit/s: CNF1 0x01, CNF2 0xb5, CNF3 0x01 from 8 MHz (16 TQ of 0.5 us, sample point 87.5 %); 0x03 from 16 MHz', async (t) => {
  const rig = await pair();
  t.deepEqual(val(rig, 'b', '[mcp2515.bit_timing(8000000, 125000), mcp2515.bit_timing(16000000, 125000)]'), [[1, 0xb5, 1], [3, 0xb5, 1]]);
  t.is(val(rig, 'b', 'mcp2515.bitrate_of(8000000, 1, 0xb5, 1)'), 125000);
  t.is(rig.str('rig.W.devices["b"].can_chip.bitrate()'), '125000', 'the model computes 125 kbit/s from what the driver wrote');
  t.is(rig.str('rig.W.devices["b"].can_chip.mode()'), '0', 'normal mode');
  run(rig, 'b', 'try:\n  mcp2515.bit_timing(8000000, 300000)\n  r = "ok"\nexcept ValueError:\n  r = "ValueError"');
  t.is(val(rig, 'b', 'r'), 'ValueError');
});

test('ISO-TP round trips of 1..250 bytes both ways between two MCP2515 models, every byte intact', async (t) => {
  const rig = await pair();
  run(rig, 'n5', 'oks = []\nfor n in range(1, 251): link.send(0, bytes((i * 7 + n) & 255 for i in range(n)), oks.append)');
  rig.runFor(8000);
  run(rig, 'b', 'oks = []\nfor n in range(1, 251): link.send(5, bytes((i * 13 + n) & 255 for i in range(n)), oks.append)');
  rig.runFor(8000);
  for (const dev of ['b', 'n5']) t.deepEqual(crashes(rig, dev), [], dev);
  t.deepEqual(val<boolean[]>(rig, 'n5', 'oks'), Array(250).fill(true));
  t.deepEqual(val<boolean[]>(rig, 'b', 'oks'), Array(250).fill(true));
  const atBroker = val<[number, number][]>(rig, 'b', '[[p, len(m)] for p, m in got if m == bytes((i * 7 + len(m)) & 255 for i in range(len(m)))]');
  t.deepEqual(atBroker, Array.from({ length: 250 }, (_, i) => [5, i + 1]), 'the broker got every message from node 5, in order');
  const atNode = val<[number, number][]>(rig, 'n5', '[[p, len(m)] for p, m in got if m == bytes((i * 13 + len(m)) & 255 for i in range(len(m)))]');
  t.deepEqual(atNode, Array.from({ length: 250 }, (_, i) => [0, i + 1]));
  t.deepEqual(val<number[]>(rig, 'b', '[can.overruns, link.errors()]'), [0, 0]);
  const ids = rig.json<number[]>('json.dumps(sorted(set(f[2] for f in bus.frames)))');
  t.deepEqual(ids, [0x405, 0x505], 'node 5 sends on 0x405, the broker answers on 0x505');
});

test('filters: node 5 takes only 0x505; the broker only 0x401..0x47f (as ISO-TP single frames)', async (t) => {
  const rig = await pair();
  rig.py('bench_rig.can_device("n6", bus, node=6, mac="02cafe000006")');
  run(rig, 'n6', 'for i in (0x505, 0x506, 0x400, 0x480, 0x47f, 0x401, 0x7ff): can.send(i, bytes([1, i & 255]))');
  rig.runFor(20);
  t.deepEqual(crashes(rig, 'n6'), []);
  // 0x400 passes the broker's mask (0x780 / 0x400) but is no node's id: the link drops it
  t.deepEqual(rig.json('json.dumps([rig.W.devices[n].can_chip.received for n in ("b", "n5")])'), [3, 1]);
  t.deepEqual(val(rig, 'b', '[[p, list(m)] for p, m in got]'), [[0x7f, [0x7f]], [1, [1]]]);
  t.deepEqual(val(rig, 'n5', '[[p, list(m)] for p, m in got]'), [[0, [5]]]);
});

test('both receive buffers full: the third frame is lost and counted as an overrun, the first two kept', async (t) => {
  const rig = await pair();
  rig.py('rig.W.devices["b"].can_chip.on_receive = None');
  run(rig, 'n5', 'for i in range(3): can.send(0x405, bytes([1, i]))');
  rig.runFor(20);
  run(rig, 'b', 'got += link.poll()');
  t.deepEqual(val(rig, 'b', '[[p, list(m)] for p, m in got]'), [[5, [0]], [5, [1]]]);
  t.is(val(rig, 'b', 'can.overruns'), 1);
});

test('a node set up for a 16 MHz crystal on an 8 MHz board is off the bus: it hears nothing and its send fails', async (t) => {
  const rig = await pair(16_000_000);
  t.is(rig.str('rig.W.devices["n5"].can_chip.bitrate()'), '62500');
  run(rig, 'n5', 'oks = []\nlink.send(0, b"hello", oks.append)');
  run(rig, 'b', 'oks = []\nlink.send(5, b"hello", oks.append)');
  rig.runFor(50);
  t.deepEqual(val(rig, 'n5', 'oks'), [false]);
  t.deepEqual(val(rig, 'n5', 'got'), []);
  t.deepEqual(val(rig, 'b', 'got'), []);
  t.deepEqual(val(rig, 'b', 'oks'), [false], 'alone on the bus: no node acknowledges the broker\'s frame');
});

test('a multi-frame message to a node that is not there fails after the flow-control timeout', async (t) => {
  const rig = await pair();
  rig.py('bench_rig.can_device("n7", bus, node=7, mac="02cafe000007")');
  run(rig, 'b', 'oks = []\nlink.send(9, bytes(40), oks.append)');
  for (const ms of [990, 20]) {
    rig.runFor(ms);
    run(rig, 'b', 'got += link.poll()');
    t.deepEqual(val(rig, 'b', 'oks'), ms === 990 ? [] : [false], `after ${ms} ms more`);
  }
});

test('no MCP2515 on that chip select: OSError', async (t) => {
  const rig = await FirmwareRig.create(2);
  rig.py('import bench_rig, can_chips\nbus = can_chips.new_bus()\nbench_rig.can_device("x", bus, wired_cs=4)');
  const crashes0 = crashes(rig, 'x');
  t.is(crashes0.length, 1);
  t.regex(crashes0[0], /OSError: MCP2515: no chip answers/);
});
