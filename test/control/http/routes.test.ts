import test from 'ava';
import { waitFor } from '../../helpers/wait-for.ts';
import { SENSOR, SOCKET, startApiRig, type ApiRig } from './api-rig.ts';

// The route table on real parts: the real NodeStore (fed by the real registry)
// and the real CommandQueue on a manual clock, fastify driven by inject().

const withRig = (name: string, fn: (t: import('ava').ExecutionContext, rig: ApiRig) => Promise<void>, options?: Parameters<typeof startApiRig>[0]) =>
  test(name, async (t) => {
    const rig = await startApiRig(options);
    t.teardown(rig.close);
    await fn(t, rig);
  });

withRig('GET /api/nodes: every node, MAC as aa:bb:.., channels with the confirmed relay', async (t, rig) => {
  const res = await rig.call('GET', '/api/nodes', { token: rig.read });
  t.is(res.statusCode, 200);
  const { nodes } = res.json();
  t.deepEqual(nodes.map((n: { mac: string; room: string }) => [n.mac, n.room]), [['a2:b2:c2:d2:e2:f3', 'Office'], ['a2:b2:c2:d2:e2:f4', 'Kitchen']]);
  t.like(nodes[0], { firmware: 'socket-1.0', intervalS: 60, health: { silent: false, batteryLow: false, tripped: false } });
  t.deepEqual(nodes[0].channels.map((c: { channel: number; relay: boolean; power?: number }) => [c.channel, c.relay, c.power]), [[1, true, 25], [2, false, undefined]]);
  t.is(nodes[1].latest.temperature, 21.5);
});

withRig('GET /api/nodes/{mac}: the three spellings of a MAC name the same node; a malformed one is a 400 naming params/mac', async (t, rig) => {
  for (const mac of ['a2:b2:c2:d2:e2:f3', 'A2-B2-C2-D2-E2-F3', 'a2b2c2d2e2f3']) {
    const res = await rig.call('GET', `/api/nodes/${mac}`, { token: rig.read });
    t.is(res.statusCode, 200, mac);
    t.is(res.json().mac, 'a2:b2:c2:d2:e2:f3');
  }
  const bad = await rig.call('GET', '/api/nodes/a2:b2-c2:d2:e2:f3', { token: rig.read });
  t.is(bad.statusCode, 400);
  t.deepEqual(bad.json(), { code: 'BAD_MAC', message: 'params/mac: "a2:b2-c2:d2:e2:f3" is not a MAC address (aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF or aabbccddeeff)' });
});

withRig('GET /api/nodes/{mac} of a node never heard: 404 UNKNOWN_NODE naming it', async (t, rig) => {
  const res = await rig.call('GET', '/api/nodes/a2b2c2d2e2ff', { token: rig.read });
  t.is(res.statusCode, 404);
  t.deepEqual(res.json(), { code: 'UNKNOWN_NODE', message: 'node a2:b2:c2:d2:e2:ff: not heard since the gateway started' });
});

withRig('GET /api/nodes/{mac}/channels/{n}: the channel; an unknown one is 404 NO_SUCH_CHANNEL naming node and channels', async (t, rig) => {
  const res = await rig.call('GET', `/api/nodes/${SOCKET}/channels/1`, { token: rig.read });
  t.is(res.statusCode, 200);
  t.like(res.json(), { channel: 1, relay: true, power: 25 });
  const missing = await rig.call('GET', `/api/nodes/${SOCKET}/channels/7`, { token: rig.read });
  t.is(missing.statusCode, 404);
  t.deepEqual(missing.json(), { code: 'NO_SUCH_CHANNEL', message: 'node a2:b2:c2:d2:e2:f3 (Office) has no channel 7 (channels: 1, 2)' });
  const notNumber = await rig.call('GET', `/api/nodes/${SOCKET}/channels/x`, { token: rig.read });
  t.is(notNumber.statusCode, 400);
  t.is(notNumber.json().message, 'params/n: must be integer');
});

withRig('PUT .../relay: 202, Location /api/commands/{id}, the command as JSON; the TX line goes to the broker; the channel shows it pending', async (t, rig) => {
  const res = await rig.call('PUT', `/api/nodes/A2-B2-C2-D2-E2-F3/channels/2/relay`, { token: rig.control, body: { state: 'on', autoOffS: 600 } });
  t.is(res.statusCode, 202, res.body);
  const command = res.json();
  t.is(res.headers.location, `/api/commands/${command.id}`);
  t.like(command, { mac: 'a2:b2:c2:d2:e2:f3', room: 'Office', channel: 2, source: 'api', status: 'accepted', action: { type: 'relay', channel: 2, state: 'on', autoOffS: 600 } });
  await waitFor(() => rig.lines.length === 1, 2000, 'the TX line');
  t.regex(rig.lines[0], new RegExp(`^TX,${command.id},a2b2c2d2e2f3,`));
  const channel = (await rig.call('GET', `/api/nodes/${SOCKET}/channels/2`, { token: rig.read })).json();
  t.like(channel.pendingCommand, { id: command.id, state: 'on' });
});

withRig('PUT .../relay toggle is resolved at the gateway from the confirmed state', async (t, rig) => {
  const res = await rig.call('PUT', `/api/nodes/${SOCKET}/channels/1/relay`, { token: rig.control, body: { state: 'toggle' } });
  t.is(res.statusCode, 202);
  t.like(res.json(), { requested: { state: 'toggle' }, action: { state: 'off' } });
});

const badBodies: Array<[string, unknown, string]> = [
  ['an unknown state', { state: 'dim' }, 'body/state: must be equal to one of the allowed values (on, off, toggle)'],
  ['no state', {}, "body/state: must have required property 'state'"],
  ['a misspelt key', { state: 'on', autoOff: 5 }, 'body/autoOff: must NOT have additional properties'],
  ['a negative auto-off', { state: 'on', autoOffS: -1 }, 'body/autoOffS: must be >= 0'],
  ['an auto-off past 16 bits', { state: 'on', autoOffS: 70000 }, 'body/autoOffS: must be <= 65535'],
];
for (const [what, body, message] of badBodies) {
  withRig(`PUT .../relay with ${what}: 400 naming the field`, async (t, rig) => {
    const res = await rig.call('PUT', `/api/nodes/${SOCKET}/channels/1/relay`, { token: rig.control, body });
    t.is(res.statusCode, 400);
    t.deepEqual(res.json(), { code: 'BAD_REQUEST', message });
    t.deepEqual(rig.queue.list(), [], 'nothing was submitted');
  });
}

withRig('PUT .../relay with a body that is not JSON: 400 in the same shape', async (t, rig) => {
  const res = await rig.app.inject({ method: 'PUT', url: `/api/nodes/${SOCKET}/channels/1/relay`, headers: { authorization: `Bearer ${rig.control}`, 'content-type': 'application/json' }, payload: '{"state":' });
  t.is(res.statusCode, 400);
  t.is(res.json().code, 'BAD_REQUEST');
  t.truthy(res.json().message);
});

/** [case, how to set the rig up, method+url, body, status, code, message part]. */
const refusals: Array<[string, (rig: ApiRig) => void, string, unknown, number, string, string]> = [
  ['a node without a relay', () => undefined, `${SENSOR}/channels/1/relay`, { state: 'on' }, 409, 'NOT_SUPPORTED', 'node a2:b2:c2:d2:e2:f4 (Kitchen) has no a relay'],
  ['a node never heard', () => undefined, 'a2b2c2d2e2ff/channels/1/relay', { state: 'on' }, 404, 'UNKNOWN_NODE', 'node a2:b2:c2:d2:e2:ff'],
  ['a channel the node does not have', () => undefined, `${SOCKET}/channels/9/relay`, { state: 'on' }, 404, 'NO_SUCH_CHANNEL', 'has no channel 9'],
  ['the broker silent', (rig) => { rig.heard.ms = undefined; }, `${SOCKET}/channels/1/relay`, { state: 'off' }, 503, 'BROKER_SILENT', ''],
  ['limits on a node without a relay', () => undefined, `${SENSOR}/channels/1/limits`, { currentLimitA: 10 }, 409, 'NOT_SUPPORTED', 'a2:b2:c2:d2:e2:f4'],
];
for (const [what, arrange, path, body, status, code, part] of refusals) {
  withRig(`PUT refused for ${what}: ${status} ${code}`, async (t, rig) => {
    arrange(rig);
    const res = await rig.call('PUT', `/api/nodes/${path}`, { token: rig.control, body });
    t.is(res.statusCode, status, res.body);
    t.is(res.json().code, code);
    t.true(res.json().message.includes(part), res.json().message);
  });
}

withRig('PUT .../relay past the open commands a node may have: 429 TOO_MANY_PENDING', async (t, rig) => {
  t.is((await rig.call('PUT', `/api/nodes/${SOCKET}/channels/1/relay`, { token: rig.control, body: { state: 'off' } })).statusCode, 202);
  const res = await rig.call('PUT', `/api/nodes/${SOCKET}/channels/2/relay`, { token: rig.control, body: { state: 'on' } });
  t.is(res.statusCode, 429);
  t.is(res.json().code, 'TOO_MANY_PENDING');
}, { limits: { maxOpenPerNode: 1 } });

withRig('PUT .../limits: at least one setting (400 naming the three), then 202 with the limits action', async (t, rig) => {
  const empty = await rig.call('PUT', `/api/nodes/${SOCKET}/channels/1/limits`, { token: rig.control, body: {} });
  t.is(empty.statusCode, 400);
  t.is(empty.json().message, 'body: give at least one of powerOnState, currentLimitA, humidityLimitPct');
  const bad = await rig.call('PUT', `/api/nodes/${SOCKET}/channels/1/limits`, { token: rig.control, body: { powerOnState: 'maybe' } });
  t.is(bad.json().message, 'body/powerOnState: must be equal to one of the allowed values (off, on, as-was)');
  const res = await rig.call('PUT', `/api/nodes/${SOCKET}/channels/1/limits`, { token: rig.control, body: { powerOnState: 'as-was', currentLimitA: 10 } });
  t.is(res.statusCode, 202);
  t.deepEqual(res.json().action, { type: 'limits', channel: 1, powerOnState: 'as-was', currentLimitA: 10 });
});

withRig('PUT /api/nodes/{mac}/interval: 1..65535 s', async (t, rig) => {
  const bad = await rig.call('PUT', `/api/nodes/${SENSOR}/interval`, { token: rig.control, body: { intervalS: 0 } });
  t.deepEqual(bad.json(), { code: 'BAD_REQUEST', message: 'body/intervalS: must be >= 1' });
  const res = await rig.call('PUT', `/api/nodes/${SENSOR}/interval`, { token: rig.control, body: { intervalS: 120 } });
  t.is(res.statusCode, 202);
  t.like(res.json(), { mac: 'a2:b2:c2:d2:e2:f4', action: { type: 'interval', intervalS: 120 } });
});

withRig('GET /api/commands (?mac, ?open, ?limit) and /api/commands/{id}; an unknown id is 404 UNKNOWN_COMMAND', async (t, rig) => {
  const a = (await rig.call('PUT', `/api/nodes/${SOCKET}/channels/1/relay`, { token: rig.control, body: { state: 'off' } })).json();
  const b = (await rig.call('PUT', `/api/nodes/${SENSOR}/interval`, { token: rig.control, body: { intervalS: 90 } })).json();
  const all = (await rig.call('GET', '/api/commands', { token: rig.read })).json();
  t.deepEqual(all.commands.map((c: { id: number }) => c.id), [b.id, a.id], 'newest first');
  const socket = (await rig.call('GET', '/api/commands?mac=A2-B2-C2-D2-E2-F3&open=true', { token: rig.read })).json();
  t.deepEqual(socket.commands.map((c: { id: number }) => c.id), [a.id]);
  t.is((await rig.call('GET', '/api/commands?limit=1', { token: rig.read })).json().commands.length, 1);
  t.is((await rig.call('GET', '/api/commands?open=false', { token: rig.read })).json().commands.length, 0);
  t.is((await rig.call('GET', '/api/commands?limit=0', { token: rig.read })).json().message, 'query/limit: must be >= 1');
  t.is((await rig.call('GET', '/api/commands?mac=nope', { token: rig.read })).json().code, 'BAD_MAC');
  const one = await rig.call('GET', `/api/commands/${a.id}`, { token: rig.read });
  t.like(one.json(), { id: a.id, mac: 'a2:b2:c2:d2:e2:f3' });
  const unknown = await rig.call('GET', '/api/commands/999', { token: rig.read });
  t.is(unknown.statusCode, 404);
  t.is(unknown.json().code, 'UNKNOWN_COMMAND');
});

withRig('Prefer: wait=5 answers 200 once the node confirmed, with Preference-Applied', async (t, rig) => {
  const pending = rig.call('PUT', `/api/nodes/${SOCKET}/channels/1/relay`, { token: rig.control, body: { state: 'off' }, headers: { prefer: 'wait=5' } });
  await waitFor(() => rig.lines.length === 1, 2000, 'the TX line');
  const id = Number(rig.lines[0].split(',')[1]);
  rig.queue.onTxr(id, 'sent');
  rig.queue.onResult(SOCKET, { commandId: id, outcome: 0 }, [{ channel: 1, relay: false }]);
  const res = await pending;
  t.is(res.statusCode, 200);
  t.is(res.headers['preference-applied'], 'wait=5');
  t.is(res.headers.location, `/api/commands/${id}`);
  t.like(res.json(), { id, status: 'ok' });
  t.deepEqual(res.json().history.map((s: { status: string }) => s.status), ['accepted', 'sent', 'ok']);
});

withRig('Prefer: wait=2 with no answer in time: 202 with the command as it is then', async (t, rig) => {
  const pending = rig.call('PUT', `/api/nodes/${SOCKET}/channels/1/relay`, { token: rig.control, body: { state: 'off' }, headers: { prefer: 'wait=2' } });
  await waitFor(() => rig.lines.length === 1, 2000, 'the TX line');
  rig.queue.onTxr(Number(rig.lines[0].split(',')[1]), 'sent');
  rig.clock.advance(2000);
  const res = await pending;
  t.is(res.statusCode, 202);
  t.is(res.json().status, 'sent');
});

withRig('GET /api/health: the gateway\'s health and the API\'s own counters', async (t, rig) => {
  const res = await rig.call('GET', '/api/health', { token: rig.read });
  t.is(res.statusCode, 200);
  t.deepEqual(res.json(), { sink: { reachable: true, backlogPoints: 0 }, brokerHeardMs: rig.clock.now, api: { eventClients: 0, eventClientsDropped: 0 } });
});

withRig('an unknown route is a 404 in the same {code, message} shape', async (t, rig) => {
  const res = await rig.call('GET', '/api/nope', { token: rig.read });
  t.is(res.statusCode, 404);
  t.deepEqual(res.json(), { code: 'NOT_FOUND', message: 'no such route: GET /api/nope' });
});
