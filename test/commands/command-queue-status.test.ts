import test from 'ava';
import type { CommandRequest } from '../../src/commands/types.ts';
import type { TxStatus } from '../../src/protocol/index.ts';
import { endRig, SLEEPY, SOCKET, startRig, type QueueRig } from './queue-rig.ts';

/** One thing that happens to command 1 after it was written. */
type Step =
  | { txr: TxStatus }
  | { outcome: number; relay?: boolean; trip?: number }
  | { advanceMs: number }
  | { brokerBoot: true };

interface Row {
  name: string;
  mac: string;
  request?: CommandRequest;
  steps: Step[];
  statuses: string[];
  reason?: RegExp;
}

const ON: CommandRequest = { type: 'relay', channel: 1, state: 'on' };

const rows: Row[] = [
  { name: 'sleepy node: queued -> delivered -> ok', mac: SLEEPY, steps: [{ txr: 'queued' }, { txr: 'delivered' }, { outcome: 0, relay: true }],
    statuses: ['accepted', 'queued', 'delivered', 'ok'], reason: /^channel 1 is on$/ },
  { name: 'listening node: sent -> ok', mac: SOCKET, steps: [{ txr: 'sent' }, { outcome: 0, relay: true }], statuses: ['accepted', 'sent', 'ok'] },
  { name: 'listening node: sent, no RESULT for 10 s -> unconfirmed', mac: SOCKET, steps: [{ txr: 'sent' }, { advanceMs: 10_000 }],
    statuses: ['accepted', 'sent', 'unconfirmed'], reason: /^no RESULT within 10 s of sent$/ },
  { name: 'listening node: a RESULT at 9.9 s still counts', mac: SOCKET, steps: [{ txr: 'sent' }, { advanceMs: 9_900 }, { outcome: 0 }],
    statuses: ['accepted', 'sent', 'ok'] },
  { name: 'a RESULT after unconfirmed changes nothing', mac: SOCKET, steps: [{ txr: 'sent' }, { advanceMs: 10_000 }, { outcome: 0 }],
    statuses: ['accepted', 'sent', 'unconfirmed'] },
  { name: 'TXR failed (no radio ack)', mac: SOCKET, steps: [{ txr: 'failed' }], statuses: ['accepted', 'failed'], reason: /did not acknowledge/ },
  { name: 'sleepy node: queued -> TXR expired', mac: SLEEPY, steps: [{ txr: 'queued' }, { txr: 'expired' }], statuses: ['accepted', 'queued', 'expired'], reason: /24 h/ },
  { name: 'TXR invalid', mac: SLEEPY, steps: [{ txr: 'invalid' }], statuses: ['accepted', 'invalid'], reason: /refused the TX line/ },
  { name: 'outcome 1 -> unsupported', mac: SOCKET, steps: [{ txr: 'sent' }, { outcome: 1 }], statuses: ['accepted', 'sent', 'unsupported'] },
  { name: 'outcome 2 -> invalid', mac: SOCKET, steps: [{ txr: 'sent' }, { outcome: 2 }], statuses: ['accepted', 'sent', 'invalid'] },
  { name: 'outcome 3 -> failed, naming the trip', mac: SOCKET, steps: [{ txr: 'sent' }, { outcome: 3, relay: false, trip: 3 }],
    statuses: ['accepted', 'sent', 'failed'], reason: /could not carry it out; a safety rule holds the relay open \(trip 3, humidity\); channel 1 is off/ },
  { name: 'RESULT before its TXR: ok, the late TXR changes nothing', mac: SOCKET, steps: [{ outcome: 0 }, { txr: 'sent' }], statuses: ['accepted', 'ok'] },
  { name: 'no TXR within 30 s -> failed', mac: SOCKET, steps: [{ advanceMs: 30_000 }], statuses: ['accepted', 'failed'], reason: /no TXR within 30 s/ },
  { name: 'sleepy node: delivered, no RESULT for 60 s -> unconfirmed', mac: SLEEPY, steps: [{ txr: 'queued' }, { txr: 'delivered' }, { advanceMs: 60_000 }],
    statuses: ['accepted', 'queued', 'delivered', 'unconfirmed'] },
  { name: 'sleepy node: queued and never a word for 25 h -> expired', mac: SLEEPY, steps: [{ txr: 'queued' }, { advanceMs: 24 * 3600_000 }, { advanceMs: 3600_000 }],
    statuses: ['accepted', 'queued', 'expired'], reason: /within 25 h of queued/ },
  { name: 'a TXR never moves a command back (delivered, then queued)', mac: SLEEPY, steps: [{ txr: 'delivered' }, { txr: 'queued' }, { outcome: 0 }],
    statuses: ['accepted', 'delivered', 'ok'] },
  { name: 'the broker restarts while it holds the command -> failed', mac: SLEEPY, steps: [{ txr: 'queued' }, { brokerBoot: true }],
    statuses: ['accepted', 'queued', 'failed'], reason: /broker restarted/ },
  { name: 'a broker restart leaves a delivered command alone', mac: SLEEPY, steps: [{ txr: 'delivered' }, { brokerBoot: true }, { outcome: 0 }],
    statuses: ['accepted', 'delivered', 'ok'] },
  { name: 'interval command: sent -> ok', mac: SOCKET, request: { type: 'interval', intervalS: 60 }, steps: [{ txr: 'sent' }, { outcome: 0 }], statuses: ['accepted', 'sent', 'ok'] },
];

function play(rig: QueueRig, mac: string, step: Step): void {
  if ('txr' in step) rig.queue.onTxr(1, step.txr);
  else if ('advanceMs' in step) rig.clock.advance(step.advanceMs);
  else if ('brokerBoot' in step) rig.queue.onBrokerBoot();
  else {
    const channels = step.relay === undefined && step.trip === undefined ? [] : [{ channel: 1, relay: step.relay, trip: step.trip }];
    rig.queue.onResult(mac, { commandId: 1, outcome: step.outcome }, channels);
  }
}

for (const row of rows) {
  test(`status path: ${row.name}`, async (t) => {
    const rig = await startRig();
    try {
      const view = rig.queue.submit(row.mac, row.request ?? ON, 'api');
      t.is(view.id, 1);
      await rig.queue.settled();
      t.is(rig.lines.length, 1, 'one TX line');
      for (const step of row.steps) play(rig, row.mac, step);
      t.deepEqual(rig.statuses(1), row.statuses);
      t.deepEqual(rig.queue.get(1)?.history.map((h) => h.status), row.statuses);
      if (row.reason) t.regex(rig.queue.get(1)?.reason ?? '', row.reason);
      t.is(rig.clock.waiting, 0, 'no deadline left behind by a final command');
    } finally {
      await endRig(rig);
    }
  });
}

test('status path: the broker port closed -> failed, naming why', async (t) => {
  const rig = await startRig();
  try {
    rig.writeError.error = new Error('serial /dev/espnow-broker: not open, line not sent');
    rig.queue.submit(SOCKET, ON, 'api');
    await rig.queue.settled();
    t.deepEqual(rig.statuses(1), ['accepted', 'failed']);
    t.is(rig.queue.get(1)?.reason, 'not sent to the broker: serial /dev/espnow-broker: not open, line not sent');
    t.is(rig.queue.counters.writeFailures, 1);
  } finally {
    await endRig(rig);
  }
});

test('TXR and RESULT for unknown ids, or from another node, are counted and throw nothing', async (t) => {
  const rig = await startRig();
  try {
    rig.queue.submit(SOCKET, ON, 'api');
    await rig.queue.settled();
    t.notThrows(() => rig.queue.onTxr(999, 'sent'));
    t.notThrows(() => rig.queue.onResult(SOCKET, { commandId: 998, outcome: 0 }, []));
    t.notThrows(() => rig.queue.onResult(SLEEPY, { commandId: 1, outcome: 0 }, []));
    t.notThrows(() => rig.queue.onResult('not a mac', { commandId: 1, outcome: 0 }, []));
    t.notThrows(() => rig.queue.onResult(SOCKET, {}, []));
    t.like(rig.queue.counters, { unknownTxr: 1, unknownResults: 2 });
    t.deepEqual(rig.statuses(1), ['accepted']);
  } finally {
    await endRig(rig);
  }
});

test('waitFinal resolves at the final status, or after its timeout with the status then', async (t) => {
  const rig = await startRig();
  try {
    const a = rig.queue.submit(SOCKET, ON, 'api');
    const b = rig.queue.submit(SOCKET, { type: 'relay', channel: 2, state: 'on' }, 'api');
    await rig.queue.settled();
    const waitA = rig.queue.waitFinal(a.id, 5000);
    const waitB = rig.queue.waitFinal(b.id, 5000);
    rig.queue.onTxr(a.id, 'sent');
    rig.queue.onResult(SOCKET, { commandId: a.id, outcome: 0 }, [{ channel: 1, relay: true }]);
    t.is((await waitA)?.status, 'ok');
    rig.clock.advance(5000);
    t.is((await waitB)?.status, 'accepted');
    t.is(await rig.queue.waitFinal(4242, 10), undefined);
  } finally {
    await endRig(rig);
  }
});
