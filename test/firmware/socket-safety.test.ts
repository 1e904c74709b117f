/**
 * The socket node's own safety rules and what it keeps on flash, in the real
 * interpreter: trips open the relay with the broker and the radio gone, a
 * reboot keeps energy, limits and power-on states, a power cut loses at most
 * what micropython/README.md says, and the flash is written at a bounded rate.
 */
import test from 'ava';
import { encodeMessage, encodeTx, KIND, STATUS_BITS } from '../../src/protocol/index.ts';
import type { FirmwareRig } from './harness.ts';
import { INA_WIRING, SOCKET, setDht, socketRx, socketWorld } from './socket-fixture.ts';

function command(rig: FirmwareRig, id: number, records: [number, number][]): void {
  const payload = encodeMessage({ kind: KIND.COMMAND, boot: 0, seq: id, records: [{ type: 0x51, raw: id }, ...records.map(([type, raw]) => ({ type, raw }))] });
  rig.feed('broker', `${encodeTx(id, SOCKET, payload)}\n`);
  rig.runFor(300);
}

const result = (rig: FirmwareRig, id: number) => socketRx(rig).find((r) => r.view.kind === 'RESULT' && r.view.values.commandId === id)!;
const radioGone = (rig: FirmwareRig) => rig.py('rig.W.devices["broker"].awake = False');

test('over-current with the radio gone: one reading over the limit is tolerated, the second in a row opens the relay (trip 1)', async (t) => {
  const rig = await socketWorld();
  rig.setLoad('s1', 1, 12, 1);
  rig.bootSocket('s1');
  rig.runFor(1000);
  command(rig, 1, [[0x0f, 1], [0x55, 2000], [0x14, 1]]);
  t.deepEqual(result(rig, 1).view.channels, [{ channel: 1, relay: true, powerOnState: 0, currentLimit: 2, humidityLimit: 0 }]);
  radioGone(rig);
  const sentBefore = rig.frames().length;
  rig.setLoad('s1', 1, 12, 2.5);
  rig.runFor(1000);
  rig.setLoad('s1', 1, 12, 1);
  rig.runFor(3000);
  t.deepEqual(rig.socketState('s1').relays, [1, 0], 'a single spike does not trip');
  rig.setLoad('s1', 1, 12, 2.5);
  rig.runFor(1000);
  t.deepEqual(rig.socketState('s1').relays, [1, 0]);
  rig.runFor(1000);
  const s = rig.socketState('s1');
  t.deepEqual(s.relays, [0, 0], 'the second reading over the limit opened the relay');
  t.is(s.channels![0].trip, 1);
  t.true(rig.frames().length > sentBefore, 'it tried to report the trip at once');
  t.deepEqual(s.crashes, []);
});

test('over-current trip is reported at once (trip 1, status bit 6); a relay-on command clears it (trip 0 in the RESULT)', async (t) => {
  const rig = await socketWorld();
  rig.setLoad('s1', 1, 12, 3);
  rig.bootSocket('s1');
  rig.runFor(1000);
  command(rig, 1, [[0x0f, 1], [0x55, 2000]]);
  command(rig, 2, [[0x0f, 1], [0x14, 1]]);
  rig.runFor(2500);
  const trip = socketRx(rig).filter((r) => r.view.kind === 'REPORT').at(-1)!;
  t.is(trip.view.values.status! & STATUS_BITS.TRIP_ACTIVE, STATUS_BITS.TRIP_ACTIVE);
  t.deepEqual(trip.view.channels.map((c) => [c.channel, c.relay, (c as { trip?: number }).trip]), [[1, false, 1]]);
  rig.setLoad('s1', 1, 12, 1);
  command(rig, 3, [[0x0f, 1], [0x14, 1]]);
  t.deepEqual(result(rig, 3).view.channels, [{ channel: 1, relay: true, trip: 0 }]);
  t.deepEqual(rig.socketState('s1').relays, [1, 0]);
});

test('humidity cut-off with hysteresis: over the limit opens the relay (trip 3); switching on fails until 5 %RH under it', async (t) => {
  const rig = await socketWorld();
  rig.bootSocket('s1');
  rig.runFor(1000);
  command(rig, 1, [[0x0f, 2], [0x56, 7000]]);
  command(rig, 2, [[0x0f, 2], [0x14, 1]]);
  radioGone(rig);
  setDht(rig, 22, 75);
  rig.runFor(2500);
  let s = rig.socketState('s1');
  t.deepEqual(s.relays, [0, 0], 'opened with no radio');
  t.is(s.channels![1].trip, 3);
  rig.py('rig.W.devices["broker"].awake = True');
  setDht(rig, 22, 68);
  rig.runFor(2500);
  command(rig, 3, [[0x0f, 2], [0x14, 1]]);
  t.deepEqual(result(rig, 3).view.values.outcome, 3, 'failed: 68 %RH is within the hysteresis');
  t.deepEqual(result(rig, 3).view.channels, [{ channel: 2, relay: false, trip: 3 }]);
  setDht(rig, 22, 64);
  rig.runFor(2500);
  s = rig.socketState('s1');
  t.is(s.channels![1].trip, 0, 'cleared by itself under 65 %RH');
  t.true(socketRx(rig).some((r) => r.view.kind === 'REPORT' && r.view.channels.some((c) => c.channel === 2 && (c as { trip?: number }).trip === 0)), 'the clearing is reported');
  t.deepEqual(s.relays, [0, 0], 'but the relay stays off until asked');
  command(rig, 4, [[0x0f, 2], [0x14, 1]]);
  t.is(result(rig, 4).view.values.outcome, 0);
  t.deepEqual(rig.socketState('s1').relays, [0, 1]);
});

test('a reboot keeps the energy counter, the limits and the power-on states (off, on, as it was)', async (t) => {
  const rig = await socketWorld({
    i2c: [{ scl: 22, sda: 21 }],
    channels: [0x40, 0x41, 0x44].map((addr, i) => ({ relay: { pin: 16 + i }, meter: { type: 'ina219', bus: 0, addr, shunt_mohm: 100, max_ma: 3200 } })),
  });
  for (const n of [1, 2, 3]) rig.setLoad('s1', n, 24, 2.5);
  rig.bootSocket('s1');
  rig.runFor(1000);
  command(rig, 1, [[0x0f, 1], [0x54, 0], [0x55, 3000]]);
  command(rig, 2, [[0x0f, 2], [0x54, 1], [0x56, 8000]]);
  command(rig, 3, [[0x0f, 3], [0x54, 2]]);
  for (const [id, ch, on] of [[4, 1, 1], [5, 2, 0], [6, 3, 1]]) command(rig, id, [[0x0f, ch], [0x14, on]]);
  rig.runFor(3600_000);
  const before = rig.socketState('s1').channels!;
  t.deepEqual(before.map((c) => c.wh), [60, 0, 60], '60 W for an hour');
  rig.powerCut('s1');
  rig.runFor(5000);
  rig.bootSocket('s1');
  rig.runFor(1000);
  const after = rig.socketState('s1');
  t.deepEqual(after.relays, [0, 1, 1], 'off, on, as it was (on)');
  t.deepEqual(after.channels!.map((c) => c.limits), [[0, 3000, 0], [1, 0, 8000], [2, 0, 0]]);
  const hello = socketRx(rig).filter((r) => r.view.kind === 'HELLO').at(-1)!;
  t.is(hello.message.boot, 2);
  t.deepEqual(hello.view.channels.map((c) => (c as { currentLimit?: number }).currentLimit), [3, 0, 0]);
  const energy = socketRx(rig).filter((r) => r.view.kind === 'REPORT' && r.message.boot === 2)[0].view.channels.map((c) => c.energy);
  t.deepEqual(energy.map((wh, i) => before[i].wh - wh! <= 1 && wh! <= before[i].wh), [true, true, true],
    `the hour of energy survived the power cut, less at most a minute of 60 W: ${energy}`);
});

test('power cuts at random times lose at most max(1 Wh, 61 s of the power) per channel, and energy never goes backwards; at most one energy write a minute', async (t) => {
  const rig = await socketWorld();
  rig.setLoad('s1', 1, 30, 3); // 90 W: 60 s of it is 1.5 Wh
  rig.setLoad('s1', 2, 12, 0.2); // 2.4 W
  rig.bootSocket('s1');
  rig.runFor(1000);
  command(rig, 1, [[0x0f, 1], [0x54, 1]]);
  command(rig, 2, [[0x0f, 2], [0x54, 1]]);
  command(rig, 3, [[0x0f, 1], [0x14, 1]]);
  command(rig, 4, [[0x0f, 2], [0x14, 1]]);
  rig.runFor(1000);
  const cuts = [1_234_567, 977_531, 2_400_013, 61_001, 600_503];
  let reported = [0, 0];
  for (const runMs of cuts) {
    const commits = rig.socketState('s1').nvs_commits;
    rig.runFor(runMs);
    const live = rig.socketState('s1');
    t.true(live.nvs_commits - commits <= Math.ceil(runMs / 60_000) + 1, `${live.nvs_commits - commits} writes in ${runMs} ms`);
    const liveWh = live.channels!.map((c) => c.wh + c.acc / 36e6);
    const maxReported = socketRx(rig).filter((r) => r.view.kind === 'REPORT').flatMap((r) => r.view.channels).reduce(
      (m, c) => { m[c.channel - 1] = Math.max(m[c.channel - 1], c.energy ?? 0); return m; }, [...reported]);
    rig.powerCut('s1');
    rig.runFor(100);
    rig.bootSocket('s1');
    rig.runFor(500);
    const back = rig.socketState('s1').channels!.map((c) => c.wh + c.acc / 36e6);
    for (const i of [0, 1]) {
      const bound = Math.max(1, ((i === 0 ? 90 : 2.4) * 61) / 3600);
      t.true(liveWh[i] - back[i] <= bound + 1e-9, `channel ${i + 1}: lost ${liveWh[i] - back[i]} Wh of ${liveWh[i]}`);
      t.true(back[i] <= liveWh[i], 'never more than was counted');
    }
    const first = socketRx(rig).filter((r) => r.view.kind === 'REPORT').at(-1)!.view.channels.map((c) => c.energy!);
    t.true(first[0] >= maxReported[0] && first[1] >= maxReported[1], `after the cut ${first} >= before ${maxReported}`);
    reported = first;
  }
  const counted = (90 * cuts.reduce((a, b) => a + b, 0)) / 3600_000;
  t.true(reported[0] <= counted && reported[0] >= counted - cuts.length * 1.5 - 1, `${reported[0]} Wh of ${counted.toFixed(1)} Wh drawn`);
});

test('over-power with the radio gone: above max_w (socket.json) for two readings in a row opens the relay (trip 2); a relay-on command clears it', async (t) => {
  const wiring = { ...INA_WIRING, channels: INA_WIRING.channels.map((c, i) => (i === 0 ? { ...c, max_w: 20 } : c)) };
  const rig = await socketWorld(wiring);
  rig.setLoad('s1', 1, 12, 1.5);
  rig.bootSocket('s1');
  rig.runFor(1000);
  command(rig, 1, [[0x0f, 1], [0x14, 1]]);
  radioGone(rig);
  rig.setLoad('s1', 1, 12, 2); // 24 W
  rig.runFor(1000);
  t.deepEqual(rig.socketState('s1').relays, [1, 0], 'one reading over 20 W is tolerated');
  rig.runFor(1000);
  let s = rig.socketState('s1');
  t.deepEqual(s.relays, [0, 0], 'the second in a row opened the relay');
  t.is(s.channels![0].trip, 2);
  rig.py('rig.W.devices["broker"].awake = True');
  rig.setLoad('s1', 1, 12, 1);
  command(rig, 2, [[0x0f, 1], [0x14, 1]]);
  t.deepEqual(result(rig, 2).view.channels, [{ channel: 1, relay: true, trip: 0 }]);
  s = rig.socketState('s1');
  t.deepEqual(s.relays, [1, 0]);
  t.deepEqual(s.crashes, []);
});
