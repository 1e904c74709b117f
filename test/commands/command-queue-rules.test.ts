import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandRefusedError, type CommandRefusedCode } from '../../src/commands/command-refused-error.ts';
import type { CommandRequest } from '../../src/commands/types.ts';
import { decodeMessage, interpret, parseGatewayFrame, decodeLine } from '../../src/protocol/index.ts';
import { endRig, SENSOR, SLEEPY, SOCKET, startRig } from './queue-rig.ts';

/** The relay state a TX line asks for. */
function relayOf(line: string): { id: number; channel: number; relay: boolean | undefined } {
  const frame = parseGatewayFrame(decodeLine(line));
  if (frame.type !== 'tx') throw new Error('not a TX line');
  const view = interpret(decodeMessage(frame.payload));
  return { id: frame.id, channel: view.channels[0].channel, relay: view.channels[0].relay };
}

test('listening node: one command per channel out at a time; a waiting one is superseded by a newer one for the same relay', async (t) => {
  const rig = await startRig();
  try {
    const a = rig.queue.submit(SOCKET, { type: 'relay', channel: 1, state: 'on' }, 'api');
    const b = rig.queue.submit(SOCKET, { type: 'relay', channel: 1, state: 'off' }, 'mqtt');
    const other = rig.queue.submit(SOCKET, { type: 'relay', channel: 3, state: 'on' }, 'api');
    const c = rig.queue.submit(SOCKET, { type: 'relay', channel: 1, state: 'on' }, 'panel');
    await rig.queue.settled();
    t.deepEqual(rig.lines.map(relayOf).map((l) => l.id), [a.id, other.id], 'channel 3 does not wait for channel 1');
    t.deepEqual(rig.statuses(b.id), ['accepted', 'superseded']);
    t.is(rig.queue.get(b.id)?.reason, `replaced by command ${c.id} before it was sent`);
    rig.queue.onTxr(a.id, 'sent');
    rig.queue.onResult(SOCKET, { commandId: a.id, outcome: 0 }, [{ channel: 1, relay: true }]);
    await rig.queue.settled();
    t.deepEqual(rig.lines.map(relayOf), [
      { id: a.id, channel: 1, relay: true }, { id: other.id, channel: 3, relay: true }, { id: c.id, channel: 1, relay: true },
    ]);
    t.deepEqual(rig.statuses(c.id), ['accepted']);
  } finally {
    await endRig(rig);
  }
});

test('the next waiting command goes out when the one in flight ends badly too (unconfirmed)', async (t) => {
  const rig = await startRig();
  try {
    const a = rig.queue.submit(SOCKET, { type: 'relay', channel: 1, state: 'on' }, 'api');
    const b = rig.queue.submit(SOCKET, { type: 'limits', channel: 1, currentLimitA: 10 }, 'api');
    await rig.queue.settled();
    t.is(rig.lines.length, 1);
    rig.queue.onTxr(a.id, 'sent');
    rig.clock.advance(10_000);
    await rig.queue.settled();
    t.is(rig.lines.length, 2);
    t.is(parseGatewayFrame(decodeLine(rig.lines[1])).type === 'tx' && (parseGatewayFrame(decodeLine(rig.lines[1])) as { id: number }).id, b.id);
  } finally {
    await endRig(rig);
  }
});

test('sleepy node: commands go to the broker at once (it holds them) and are never superseded', async (t) => {
  const rig = await startRig();
  try {
    rig.queue.submit(SLEEPY, { type: 'relay', channel: 1, state: 'on' }, 'api');
    rig.queue.submit(SLEEPY, { type: 'relay', channel: 1, state: 'off' }, 'api');
    await rig.queue.settled();
    t.deepEqual(rig.lines.map(relayOf).map((l) => l.relay), [true, false]);
    t.false(rig.changes.some((c) => c.status === 'superseded'));
  } finally {
    await endRig(rig);
  }
});

test('toggle: two toggles queued behind an in-flight command do not cancel out', async (t) => {
  const rig = await startRig();
  try {
    // Channel 2 is confirmed off (the rig's read model).
    const t1 = rig.queue.submit(SOCKET, { type: 'relay', channel: 2, state: 'toggle', autoOffS: 60 }, 'panel');
    const t2 = rig.queue.submit(SOCKET, { type: 'relay', channel: 2, state: 'toggle', autoOffS: 60 }, 'panel');
    t.deepEqual(t1.action, { type: 'relay', channel: 2, state: 'on', autoOffS: 60 });
    t.is(t1.reason, 'toggle: channel 2 was off');
    t.deepEqual(t2.action, { type: 'relay', channel: 2, state: 'off' }, 'auto-off only with on');
    t.is(t2.reason, `toggle: command ${t1.id} leaves channel 2 on`);
    t.deepEqual(t2.requested, { type: 'relay', channel: 2, state: 'toggle', autoOffS: 60 });
    const t3 = rig.queue.submit(SOCKET, { type: 'relay', channel: 2, state: 'toggle' }, 'panel');
    t.is(t3.action.type === 'relay' && t3.action.state, 'on', 'from the waiting toggle, which it then supersedes');
    t.deepEqual(rig.statuses(t2.id), ['accepted', 'superseded']);
    await rig.queue.settled();
    rig.queue.onResult(SOCKET, { commandId: t1.id, outcome: 0 }, [{ channel: 2, relay: true }]);
    await rig.queue.settled();
    t.deepEqual(rig.lines.map(relayOf).map((l) => [l.id, l.relay]), [[t1.id, true], [t3.id, true]]);
  } finally {
    await endRig(rig);
  }
});

test('toggle on a sleepy node: two toggles become on then off from the confirmed state', async (t) => {
  const rig = await startRig();
  try {
    rig.nodes.get(SLEEPY)!.relays.set(0, true);
    const a = rig.queue.submit(SLEEPY, { type: 'relay', channel: 0, state: 'toggle' }, 'api');
    const b = rig.queue.submit(SLEEPY, { type: 'relay', channel: 0, state: 'toggle' }, 'api');
    await rig.queue.settled();
    t.deepEqual(rig.lines.map(relayOf).map((l) => [l.id, l.relay]), [[a.id, false], [b.id, true]]);
    // Once both are final the confirmed state counts again.
    rig.queue.onResult(SLEEPY, { commandId: a.id, outcome: 0 }, []);
    rig.queue.onResult(SLEEPY, { commandId: b.id, outcome: 0 }, []);
    const c = rig.queue.submit(SLEEPY, { type: 'relay', channel: 0, state: 'toggle' }, 'api');
    t.is(c.action.type === 'relay' && c.action.state, 'off');
  } finally {
    await endRig(rig);
  }
});

const refusals: Array<[string, (rig: Awaited<ReturnType<typeof startRig>>) => void, string, CommandRefusedCode, number, RegExp]> = [
  ['an unknown node', () => undefined, 'a2:b2:c2:d2:e2:ff', 'UNKNOWN_NODE', 404, /^node a2:b2:c2:d2:e2:ff: never heard and not in the config$/],
  ['a bad MAC', () => undefined, 'kitchen', 'BAD_REQUEST', 400, /^node "kitchen": not a MAC address/],
  ['a channel the node lacks', () => undefined, SOCKET, 'NO_SUCH_CHANNEL', 404, /^node a2:b2:c2:d2:e2:f3 \(Office\) has no channel 7 \(it has 0, 1, 2, 3\)$/],
  ['a node without a relay', () => undefined, SENSOR, 'NOT_SUPPORTED', 409, /^node a2:b2:c2:d2:e2:f4 \(Kitchen\) has no a relay/],
  ['a toggle with no known state', () => undefined, SLEEPY, 'UNKNOWN_STATE', 409, /channel 1: the relay's state is not known yet/],
  ['a broker never heard', (rig) => (rig.heard.ms = undefined), SOCKET, 'BROKER_SILENT', 503, /no heartbeat since the gateway started/],
  ['a broker silent for 31 s', (rig) => (rig.heard.ms = rig.clock.now - 31_000), SOCKET, 'BROKER_SILENT', 503, /no heartbeat for 31 s \(last at 2025-06-01T11:59:29\.000Z\)/],
];

const requestFor = (name: string): CommandRequest =>
  name === 'a channel the node lacks' ? { type: 'relay', channel: 7, state: 'on' }
    : name === 'a toggle with no known state' ? { type: 'relay', channel: 1, state: 'toggle' }
      : { type: 'relay', channel: 1, state: 'on' };

for (const [name, arrange, mac, code, httpStatus, message] of refusals) {
  test(`refused with ${code} (${httpStatus}): ${name}; no id used, nothing written`, async (t) => {
    const rig = await startRig();
    try {
      arrange(rig);
      const err = t.throws(() => rig.queue.submit(mac, requestFor(name), 'api'), { instanceOf: CommandRefusedError, message });
      t.like(err, { code, httpStatus });
      await rig.queue.settled();
      t.deepEqual(rig.lines, []);
      t.deepEqual(rig.changes, []);
      rig.heard.ms = rig.clock.now;
      t.is(rig.queue.submit(SOCKET, { type: 'interval', intervalS: 60 }, 'api').id, 1);
    } finally {
      await endRig(rig);
    }
  });
}

test('a broker heard 29 s ago is not silent', async (t) => {
  const rig = await startRig();
  try {
    rig.heard.ms = rig.clock.now - 29_000;
    t.notThrows(() => rig.queue.submit(SOCKET, { type: 'relay', channel: 1, state: 'on' }, 'api'));
  } finally {
    await endRig(rig);
  }
});

test('a node with no HELLO heard and no channels reported gets the command (it answers for itself)', async (t) => {
  const rig = await startRig();
  try {
    rig.nodes.set('a2b2c2d2e2f5', { room: 'unknown', channels: [], relays: new Map() });
    t.is(rig.queue.submit('A2-B2-C2-D2-E2-F5', { type: 'relay', channel: 5, state: 'on' }, 'api').mac, 'a2b2c2d2e2f5');
  } finally {
    await endRig(rig);
  }
});

test('too many pending: 16 open per node, 64 in total; superseding frees room', async (t) => {
  const rig = await startRig();
  const macs = ['a2b2c2d2e2a0', 'a2b2c2d2e2a1', 'a2b2c2d2e2a2', 'a2b2c2d2e2a3', 'a2b2c2d2e2a4'];
  for (const mac of macs) rig.nodes.set(mac, { room: 'Rack', capabilities: 0, channels: [], relays: new Map() });
  try {
    for (let i = 0; i < 16; i += 1) rig.queue.submit(macs[0], { type: 'interval', intervalS: 60 + i }, 'api');
    const perNode = t.throws(() => rig.queue.submit(macs[0], { type: 'interval', intervalS: 1 }, 'api'), { instanceOf: CommandRefusedError });
    t.like(perNode, { code: 'TOO_MANY_PENDING', httpStatus: 429, message: 'node a2:b2:c2:d2:e2:a0: 16 commands are still open (at most 16)' });
    for (const mac of macs.slice(1, 4)) for (let i = 0; i < 16; i += 1) rig.queue.submit(mac, { type: 'interval', intervalS: 60 }, 'api');
    const total = t.throws(() => rig.queue.submit(macs[4], { type: 'interval', intervalS: 60 }, 'api'), { instanceOf: CommandRefusedError });
    t.like(total, { code: 'TOO_MANY_PENDING', message: '64 commands are still open (at most 64)' });
    // A final command frees its place.
    rig.queue.onTxr(1, 'failed');
    t.notThrows(() => rig.queue.submit(macs[4], { type: 'interval', intervalS: 60 }, 'api'));
  } finally {
    await endRig(rig);
  }
});

test('a listening node at its limit still takes a command that supersedes a waiting one', async (t) => {
  const rig = await startRig({ limits: { maxOpenPerNode: 2 } });
  try {
    rig.queue.submit(SOCKET, { type: 'relay', channel: 1, state: 'on' }, 'api');
    const waiting = rig.queue.submit(SOCKET, { type: 'relay', channel: 1, state: 'off' }, 'api');
    t.throws(() => rig.queue.submit(SOCKET, { type: 'relay', channel: 3, state: 'on' }, 'api'), { code: 'TOO_MANY_PENDING' } as never);
    t.notThrows(() => rig.queue.submit(SOCKET, { type: 'relay', channel: 1, state: 'on' }, 'api'));
    t.is(rig.queue.get(waiting.id)?.status, 'superseded');
  } finally {
    await endRig(rig);
  }
});

test('every status change is one command point and one commands.jsonl line', async (t) => {
  const rig = await startRig();
  try {
    const { id } = rig.queue.submit('a2:b2:c2:d2:e2:f3', { type: 'relay', channel: 2, state: 'on', autoOffS: 600 }, 'mqtt');
    await rig.queue.settled();
    rig.queue.onTxr(id, 'sent');
    rig.queue.onResult(SOCKET, { commandId: id, outcome: 0 }, [{ channel: 2, relay: true }]);
    rig.queue.submit(SOCKET, { type: 'interval', intervalS: 300 }, 'rule');
    await rig.queue.settled();
    t.deepEqual(rig.points.slice(0, 3).map((p) => p.fields.status.value), ['accepted', 'sent', 'ok']);
    t.deepEqual(rig.points[2], {
      measurement: 'command',
      tags: { room: 'Office', node: 'a2:b2:c2:d2:e2:f3', channel: '2' },
      fields: { id: { type: 'int', value: 1 }, action: { type: 'string', value: 'relay on' }, status: { type: 'string', value: 'ok' }, source: { type: 'string', value: 'mqtt' } },
    });
    t.deepEqual(rig.points[3].tags, { room: 'Office', node: 'a2:b2:c2:d2:e2:f3' }, 'no channel tag for a message-wide command');
    t.is(rig.points[3].fields.action.value, 'interval 300');
    const lines = (await readFile(join(rig.dir, 'commands.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    t.is(lines.length, 4);
    t.deepEqual(lines[2], {
      at: '2025-06-01T12:00:00.000Z', id: 1, node: 'a2:b2:c2:d2:e2:f3', room: 'Office', channel: 2, source: 'mqtt', action: 'relay on',
      requested: { type: 'relay', channel: 2, state: 'on', autoOffS: 600 }, status: 'ok', reason: 'channel 2 is on',
    });
    t.deepEqual(rig.changes.map((c) => [c.id, c.status]), [[1, 'accepted'], [1, 'sent'], [1, 'ok'], [2, 'accepted']]);
    t.deepEqual(rig.queue.list().map((c) => c.id), [2, 1], 'newest first');
    t.deepEqual(rig.queue.list({ open: true }).map((c) => c.id), [2]);
    t.deepEqual(rig.queue.list({ mac: 'A2-B2-C2-D2-E2-F3', limit: 1 }).map((c) => c.id), [2]);
  } finally {
    await endRig(rig);
  }
});
