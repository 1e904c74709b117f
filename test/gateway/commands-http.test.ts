import anyTest, { type TestFn } from 'ava';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { CAPABILITY_BITS, formatMac, KIND, record, type RecordDraft } from '../../src/protocol/index.ts';
import { freePort } from '../helpers/free-port.ts';
import { REPO, spawnGateway, writeConfig, type GatewayProcess } from '../helpers/gateway-process.ts';
import { startPtyPair, type PtyPair } from '../helpers/pty-pair.ts';
import { ScriptedBroker } from '../helpers/scripted-broker.ts';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.ts';
import { startVictoria, type Victoria } from '../helpers/victoria.ts';
import { sleep, waitFor } from '../helpers/wait-for.ts';

/*
 * The real CLI (`espnow-gateway run`, its own process) with the HTTP API on,
 * on a real socat pty, storing in a real VictoriaMetrics. The test plays the
 * broker and its nodes line by line (test/helpers/scripted-broker.ts) and
 * drives every command over HTTP with a control token made by
 * `espnow-gateway token add`. One gateway serves the tests in order; the last
 * one restarts it.
 */

/** A listening socket: power meter, relays on channels 1..3, radio always on. */
const SOCKET = 'a2b2c2d2e2f4';
const SOCKET_URL = 'a2-b2-c2-d2-e2-f4'; // the API takes every spelling the config does
/** A sleepy sensor: commands wait at the broker until it wakes. */
const SENSOR = 'a2b2c2d2e2a1';
const SENSOR_URL = 'A2:B2:C2:D2:E2:A1';
/** Rooms by the MAC spelling of the store's `node` tag. */
const ROOMS: Record<string, string> = { [formatMac(SOCKET)]: 'Hall', [formatMac(SENSOR)]: 'Bedroom' };

interface Command {
  id: number;
  mac: string;
  status: string;
  reason?: string;
  history: { status: string; atMs: number; reason?: string }[];
}

interface Reply<T> {
  status: number;
  body: T;
  headers: Headers;
}

interface Rig {
  dir: TempDir;
  pty: PtyPair;
  vm: Victoria;
  broker: ScriptedBroker;
  config: string;
  token: string;
  url: string;
  /** Every gateway started, the running one last (an array: AVA gives each test a shallow copy of the context). */
  gateways: GatewayProcess[];
  /** Every command the tests made, by id, with the statuses it went through (for the store check). */
  made: Map<number, string[]>;
}

const test = anyTest as TestFn<Rig>;

const le16 = (n: number): string => Buffer.from([n & 0xff, n >> 8]).toString('hex');

/** A TX line by hand from PROTOCOL.md section 2 (`TX,<id>,<mac>,<payload>*CRC`, CRC-32 of what precedes `*`). */
function txLine(id: number, mac: string, payloadHex: string): string {
  const body = `TX,${id},${mac},${payloadHex}`;
  return `${body}*${crc32(body).toString(16).padStart(8, '0')}`;
}

/** Section 4's worked example ("relay of channel 2 on for 600 s") with command id `id` in place of 7. */
const workedExample = (id: number): string =>
  `01810000${le16(id)}` // header: v1, COMMAND, boot 0, seq = id
  + `5102${le16(id)}` //   command id
  + '0f0102' //            channel 2
  + '140101' //            relay on
  + '57025802'; //         auto-off 600 s

const relay = (channel: number, on: boolean): RecordDraft[] => [record('channel', channel), record('relay', on ? 1 : 0)];
const outlet = (channel: number, on: boolean): RecordDraft[] => [
  record('channel', channel), record('voltage', 23020), record('current', on ? 250 : 0), record('power', on ? 575 : 0), record('energy', 1200), record('relay', on ? 1 : 0),
];

async function http<T = Command>(rig: Rig, method: string, path: string, options: { body?: unknown; waitS?: number } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${rig.token}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.waitS !== undefined) headers.prefer = `wait=${options.waitS}`;
  const res = await fetch(`${rig.url}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

const statuses = (c: Command): string[] => c.history.map((h) => h.status);

/** Polls `GET /api/commands/{id}` until the command reaches `status`. */
const reaches = (rig: Rig, id: number, status: string): Promise<Command> =>
  waitFor(async () => {
    const { body } = await http(rig, 'GET', `/api/commands/${id}`);
    return body.status === status ? body : undefined;
  }, 5000, `command ${id} ${status}`, 50);

/** Keeps what became of a final command for the store check. */
function made(rig: Rig, command: Command): Command {
  rig.made.set(command.id, statuses(command));
  return command;
}

async function startGateway(rig: Rig): Promise<GatewayProcess> {
  const gw = spawnGateway(['run', '--config', rig.config]);
  rig.gateways.push(gw);
  const auth = { authorization: `Bearer ${rig.token}` };
  await waitFor(() => gw.child.exitCode !== null || fetch(`${rig.url}/api/health`, { headers: auth }).then((r) => r.ok, () => false), 20_000, 'the API answering', 100);
  if (gw.child.exitCode !== null) throw new Error(`the gateway exited ${gw.child.exitCode}: ${gw.stderr()}`);
  await gw.waitForLog((l) => String(l.msg).startsWith('broker serial port'), 10_000, 'serial port open');
  return gw;
}

test.before(async (t) => {
  const dir = await makeTempDir('commands-http');
  const pty = await startPtyPair();
  const vm = await startVictoria();
  const port = await freePort();
  const config = await writeConfig(dir.path, {
    gateway: 'http-gw',
    dataDir: join(dir.path, 'data'),
    serial: { path: pty.gatewayPath, baudRate: 115200 },
    influx: { url: vm.url, org: 'home', bucket: 'sensors', token: 'secret', flushIntervalMs: 100 },
    nodes: { [SOCKET]: 'Hall', [SENSOR]: 'Bedroom' },
    clock: { requireSync: false },
    api: { listen: `127.0.0.1:${port}` },
  });
  const added = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'bin.ts'), 'token', 'add', '--config', config, '--scope', 'control'], { cwd: REPO });
  const token = added.stdout.trimEnd().split('\n').at(-1)!;
  t.context = { dir, pty, vm, broker: new ScriptedBroker(pty), config, token, url: `http://127.0.0.1:${port}`, made: new Map(), gateways: [] };
  await startGateway(t.context);
});

test.after.always(async (t) => {
  const rig = t.context;
  rig.broker?.stopHeartbeat();
  for (const gw of rig.gateways ?? []) await gw.stop('SIGKILL');
  await rig.pty?.stop();
  await rig.vm?.stop();
  await rig.dir?.remove();
});

/** Starts the broker's HB every 3 s and waits until the gateway has read one (commands are refused before). */
async function heartbeat(rig: Rig): Promise<void> {
  await rig.broker.heartbeat(3000);
  await waitFor(async () => (await http<{ broker?: { heardMs?: number } }>(rig, 'GET', '/api/health')).body.broker?.heardMs, 5000, 'the HB heard', 50);
}

/** The nodes' HELLOs and first REPORTs, as after they boot. */
async function nodesSayHello(broker: ScriptedBroker): Promise<void> {
  await broker.rx(SOCKET, KIND.HELLO, [
    record('firmware', 'socket-1.2'), record('capabilities', CAPABILITY_BITS.POWER_METER | CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING), record('interval', 60),
  ]);
  await broker.rx(SOCKET, KIND.REPORT, [...outlet(1, false), ...outlet(2, false), ...outlet(3, false)]);
  await broker.rx(SENSOR, KIND.HELLO, [record('firmware', 'env-1.0'), record('capabilities', CAPABILITY_BITS.ENVIRONMENT | CAPABILITY_BITS.BATTERY), record('interval', 300)]);
  await broker.rx(SENSOR, KIND.REPORT, [record('temperature', 1925), record('battery', 3900)]);
}

test.serial('no HB from the broker yet: PUT relay answers 503 BROKER_SILENT and writes no TX line', async (t) => {
  const rig = t.context;
  await nodesSayHello(rig.broker);
  await waitFor(async () => (await http<{ channels: unknown[] }>(rig, 'GET', `/api/nodes/${SOCKET_URL}`)).body.channels?.length === 3, 5000, 'the socket\'s 3 channels');
  const refused = await http<{ code: string; message: string }>(rig, 'PUT', `/api/nodes/${SOCKET_URL}/channels/2/relay`, { body: { state: 'on' } });
  t.is(refused.status, 503);
  t.is(refused.body.code, 'BROKER_SILENT');
  t.regex(refused.body.message, /no heartbeat/);
  t.deepEqual(rig.broker.txLines(), []);
  await heartbeat(rig);
});

test.serial('PUT relay on with Prefer: wait=5 puts section 4\'s worked example on the pty byte for byte; TXR sent + RESULT ok answer 200 ok, relay confirmed', async (t) => {
  const rig = t.context;
  const put = http(rig, 'PUT', `/api/nodes/${SOCKET_URL}/channels/2/relay`, { body: { state: 'on', autoOffS: 600 }, waitS: 5 });
  const tx = await rig.broker.waitTx((l) => l.mac === SOCKET);
  t.is(tx.raw, txLine(tx.id, SOCKET, workedExample(tx.id)));
  t.true(rig.pty.received().includes(`${tx.raw}\n`), 'the line ends in a bare \\n');
  const pending = await http<{ relay: boolean; pendingCommand?: { id: number; state: string } }>(rig, 'GET', `/api/nodes/${SOCKET_URL}/channels/2`);
  t.like(pending.body, { relay: false, pendingCommand: { id: tx.id, state: 'on' } });

  await rig.broker.txr(tx.id, 'sent');
  await rig.broker.result(SOCKET, tx.id, 0, relay(2, true));
  const reply = await put;
  t.is(reply.status, 200);
  t.is(reply.headers.get('location'), `/api/commands/${tx.id}`);
  t.like(reply.body, { id: tx.id, mac: 'a2:b2:c2:d2:e2:f4', status: 'ok', reason: 'channel 2 is on' });
  t.deepEqual(statuses(made(rig, reply.body)), ['accepted', 'sent', 'ok']);
  const channel = await http<{ relay: boolean; pendingCommand?: unknown }>(rig, 'GET', `/api/nodes/${SOCKET_URL}/channels/2`);
  t.is(channel.body.relay, true);
  t.is(channel.body.pendingCommand, undefined);
});

test.serial('sleepy node: set interval goes queued on TXR queued, then delivered and ok when it wakes', async (t) => {
  const rig = t.context;
  const put = await http(rig, 'PUT', `/api/nodes/${SENSOR_URL}/interval`, { body: { intervalS: 120 } });
  t.is(put.status, 202);
  t.is(put.body.status, 'accepted');
  const id = put.body.id;
  const tx = await rig.broker.waitTx((l) => l.id === id);
  t.is(tx.raw, txLine(id, SENSOR, `01810000${le16(id)}5102${le16(id)}5302${le16(120)}`));

  await rig.broker.txr(id, 'queued');
  const queued = await reaches(rig, id, 'queued');
  t.regex(queued.reason ?? '', /held by the broker/);
  const open = await http<{ commands: Command[] }>(rig, 'GET', `/api/commands?open=true&mac=${SENSOR}`);
  t.deepEqual(open.body.commands.map((c) => c.id), [id]);

  // The node wakes: its REPORT, the broker hands over the COMMAND in the RECEIPT, the node answers.
  await rig.broker.rx(SENSOR, KIND.REPORT, [record('temperature', 1930), record('battery', 3900)]);
  await rig.broker.txr(id, 'delivered');
  await reaches(rig, id, 'delivered');
  await rig.broker.result(SENSOR, id, 0);
  const ok = await reaches(rig, id, 'ok');
  t.deepEqual(statuses(made(rig, ok)), ['accepted', 'queued', 'delivered', 'ok']);
});

test.serial('TXR failed (no radio ack from the socket): 200 failed with the reason, the confirmed relay unchanged', async (t) => {
  const rig = t.context;
  const put = http(rig, 'PUT', `/api/nodes/${SOCKET_URL}/channels/2/relay`, { body: { state: 'off' }, waitS: 5 });
  const tx = await rig.broker.waitTx((l) => l.mac === SOCKET && l.payloadHex.endsWith('0f0102140100'));
  await rig.broker.txr(tx.id, 'failed');
  const reply = await put;
  t.is(reply.status, 200);
  t.like(reply.body, { id: tx.id, status: 'failed' });
  t.regex(reply.body.reason ?? '', /did not acknowledge/);
  t.deepEqual(statuses(made(rig, reply.body)), ['accepted', 'failed']);
  t.is((await http<{ relay: boolean }>(rig, 'GET', `/api/nodes/${SOCKET_URL}/channels/2`)).body.relay, true);
});

test.serial('TXR expired (the broker held it 24 h for a sleepy node): queued, then expired', async (t) => {
  const rig = t.context;
  const put = http(rig, 'PUT', `/api/nodes/${SENSOR_URL}/interval`, { body: { intervalS: 600 }, waitS: 5 });
  const tx = await rig.broker.waitTx((l) => l.mac === SENSOR && l.payloadHex.endsWith(`5302${le16(600)}`));
  await rig.broker.txr(tx.id, 'queued');
  await reaches(rig, tx.id, 'queued');
  await rig.broker.txr(tx.id, 'expired');
  const reply = await put;
  t.is(reply.status, 200);
  t.like(reply.body, { id: tx.id, status: 'expired' });
  t.regex(reply.body.reason ?? '', /24 h/);
  t.deepEqual(statuses(made(rig, reply.body)), ['accepted', 'queued', 'expired']);
});

test.serial('sent with no RESULT: unconfirmed 10 s after sent (Prefer: wait=15 answers then)', async (t) => {
  const rig = t.context;
  const put = http(rig, 'PUT', `/api/nodes/${SOCKET_URL}/channels/3/relay`, { body: { state: 'on' }, waitS: 15 });
  const tx = await rig.broker.waitTx((l) => l.mac === SOCKET && l.payloadHex.endsWith('0f0103140101'));
  await rig.broker.txr(tx.id, 'sent');
  const reply = await put;
  t.is(reply.status, 200);
  t.like(reply.body, { id: tx.id, status: 'unconfirmed', reason: 'no RESULT within 10 s of sent' });
  t.deepEqual(statuses(made(rig, reply.body)), ['accepted', 'sent', 'unconfirmed']);
  const [sent, unconfirmed] = reply.body.history.slice(1).map((h) => h.atMs);
  t.true(unconfirmed - sent >= 10_000 && unconfirmed - sent < 12_000, `${unconfirmed - sent} ms from sent to unconfirmed`);
  t.is((await http<{ relay: boolean }>(rig, 'GET', `/api/nodes/${SOCKET_URL}/channels/3`)).body.relay, false);
});

test.serial('superseded: a second relay command waits behind the one in flight; a third replaces it before it leaves', async (t) => {
  const rig = t.context;
  const path = `/api/nodes/${SOCKET_URL}/channels/1/relay`;
  const first = await http(rig, 'PUT', path, { body: { state: 'on' } });
  await rig.broker.waitTx((l) => l.id === first.body.id);
  const second = await http(rig, 'PUT', path, { body: { state: 'off' } });
  t.is(second.status, 202);
  await sleep(300); // time enough for a TX line, were one to be written
  t.is((await http(rig, 'GET', `/api/commands/${second.body.id}`)).body.status, 'accepted', 'the second waits');
  const third = await http(rig, 'PUT', path, { body: { state: 'on' } });
  const superseded = await http(rig, 'GET', `/api/commands/${second.body.id}`);
  t.like(superseded.body, { status: 'superseded', reason: `replaced by command ${third.body.id} before it was sent` });
  made(rig, superseded.body);

  await rig.broker.txr(first.body.id, 'sent');
  await rig.broker.result(SOCKET, first.body.id, 0, relay(1, true));
  made(rig, await reaches(rig, first.body.id, 'ok'));
  await rig.broker.waitTx((l) => l.id === third.body.id);
  await rig.broker.txr(third.body.id, 'sent');
  await rig.broker.result(SOCKET, third.body.id, 0, relay(1, true));
  made(rig, await reaches(rig, third.body.id, 'ok'));
  const channel1 = rig.broker.txLines().filter((l) => l.mac === SOCKET && l.payloadHex.includes('0f0101'));
  t.deepEqual(channel1.map((l) => l.id), [first.body.id, third.body.id], 'the superseded command never left the gateway');
});

test.serial('restart with a command open: still queued after SIGTERM and a new start, completes on TXR delivered + RESULT, ids continue; every status is a command point in the store', async (t) => {
  const rig = t.context;
  const put = await http(rig, 'PUT', `/api/nodes/${SENSOR_URL}/interval`, { body: { intervalS: 900 } });
  const id = put.body.id;
  await rig.broker.waitTx((l) => l.id === id);
  await rig.broker.txr(id, 'queued');
  await reaches(rig, id, 'queued');

  rig.broker.stopHeartbeat();
  let mark = Date.now();
  t.is(await rig.gateways.at(-1)!.stop('SIGTERM'), 0);
  t.log(`stopped in ${Date.now() - mark} ms`);
  mark = Date.now();
  await startGateway(rig);
  t.log(`started in ${Date.now() - mark} ms`);
  const after = await http(rig, 'GET', `/api/commands/${id}`);
  t.is(after.status, 200);
  t.like(after.body, { id, status: 'queued' });
  const open = await http<{ commands: Command[] }>(rig, 'GET', '/api/commands?open=true');
  t.deepEqual(open.body.commands.map((c) => c.id), [id]);

  await heartbeat(rig);
  await rig.broker.rx(SENSOR, KIND.REPORT, [record('temperature', 1940), record('battery', 3890)]);
  await rig.broker.txr(id, 'delivered');
  await rig.broker.result(SENSOR, id, 0);
  const ok = await reaches(rig, id, 'ok');
  t.deepEqual(statuses(made(rig, ok)), ['accepted', 'queued', 'delivered', 'ok']);
  t.is(rig.broker.txLines().filter((l) => l.id === id).length, 1, 'the restart did not send it again');

  const next = await http(rig, 'PUT', `/api/nodes/${SENSOR_URL}/interval`, { body: { intervalS: 300 } });
  t.is(next.status, 202);
  t.true(next.body.id > Math.max(...rig.made.keys()), `id ${next.body.id} continues after ${Math.max(...rig.made.keys())}`);
  await rig.broker.waitTx((l) => l.id === next.body.id);
  await rig.broker.txr(next.body.id, 'queued');
  made(rig, await reaches(rig, next.body.id, 'queued'));

  // One `command` point per status change: VictoriaMetrics keeps the integer field as command_id, its value the id.
  mark = Date.now();
  const expected = [...rig.made.values()].reduce((n, s) => n + s.length, 0);
  const series = await waitFor(async () => {
    const found = await rig.vm.export('{__name__="command_id"}');
    return found.reduce((n, s) => n + s.values.length, 0) >= expected ? found : undefined;
  }, 10_000, `${expected} command points`, 200);
  t.log(`points in the store after ${Date.now() - mark} ms`);
  const perId = new Map<number, number>();
  for (const s of series) {
    t.is(s.metric.gateway, 'http-gw');
    t.is(s.metric.room, ROOMS[s.metric.node], `room of ${s.metric.node}`);
    for (const v of s.values) perId.set(v, (perId.get(v) ?? 0) + 1);
  }
  t.deepEqual(
    Object.fromEntries([...perId].sort(([a], [b]) => a - b)),
    Object.fromEntries([...rig.made].sort(([a], [b]) => a - b).map(([i, s]) => [i, s.length])),
  );
});
