import test from 'ava';
import { get, request, type IncomingMessage } from 'node:http';
import type { ReadingEvent } from '../../../src/bus/events.ts';
import { createHttpApi, type HttpApi } from '../../../src/control/http/http-api.ts';
import type { HttpApiTuning } from '../../../src/control/http/http-api-deps.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { SOCKET, startApiRig, type ApiRig } from './api-rig.ts';

// Server-sent events over a real socket: the API listens on 127.0.0.1 port 0,
// clients read the stream with http.get.

interface Stream {
  res: IncomingMessage;
  /** Parsed events so far. */
  events: Array<{ event: string; data: unknown }>;
  /** Comment lines so far. */
  comments: string[];
  ended: Promise<void>;
}

async function startApi(t: import('ava').ExecutionContext, tuning: HttpApiTuning = {}): Promise<{ rig: ApiRig; api: HttpApi }> {
  const rig = await startApiRig();
  const api = createHttpApi({ ...rig.deps, tuning });
  await api.start();
  t.teardown(async () => { await api.stop(); await rig.close(); });
  return { rig, api };
}

function open(api: HttpApi, token: string, read = true): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = get(`${api.url}/api/events`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      const stream: Stream = { res, events: [], comments: [], ended: new Promise((r) => { res.on('close', r); res.on('end', r); }) };
      let buffer = '';
      if (read) {
        res.setEncoding('utf8').on('data', (chunk: string) => {
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) stream.events.push({ event, data: JSON.parse(data) });
            for (const line of block.split('\n')) if (line.startsWith(':')) stream.comments.push(line);
          }
        });
      } else {
        res.pause();
      }
      res.on('error', () => undefined);
      resolve(stream);
    });
    req.on('error', reject);
  });
}

const reading = (extraChannels = 0): ReadingEvent => ({
  mac: SOCKET, room: 'Office', kind: 'REPORT', atMs: 1_750_000_000_000, rssi: -50, values: { battery: 3.9 },
  channels: [{ channel: 1, power: 25, relay: true }, ...Array.from({ length: extraChannels }, (_, i) => ({ channel: i + 2, power: i * 1.5, voltage: 230.1, current: 0.25 }))],
});

test('GET /api/events: reading, node, command and sink events as JSON on a real socket, and a heartbeat comment', async (t) => {
  const { rig, api } = await startApi(t, { heartbeatMs: 50 });
  t.regex(api.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
  const stream = await open(api, rig.read);
  t.is(stream.res.statusCode, 200);
  t.is(stream.res.headers['content-type'], 'text/event-stream; charset=utf-8');
  await waitFor(() => stream.comments.includes(': connected'), 2000, 'the greeting');
  rig.bus.emit('reading', reading());
  rig.bus.emit('nodeChanged', { mac: SOCKET });
  const command = rig.queue.submit(SOCKET, { type: 'relay', channel: 2, state: 'on' }, 'api');
  rig.bus.emit('sinkStatus', { reachable: false, backlogPoints: 12, lastError: 'ECONNREFUSED' });
  await waitFor(() => stream.events.some((e) => e.event === 'sink'), 2000, 'the sink event');
  t.like(stream.events.find((e) => e.event === 'reading')?.data, { mac: 'a2:b2:c2:d2:e2:f3', room: 'Office', channels: [{ channel: 1, power: 25, relay: true }] });
  t.like(stream.events.find((e) => e.event === 'node')?.data, { mac: 'a2:b2:c2:d2:e2:f3', room: 'Office' });
  t.like(stream.events.find((e) => e.event === 'command')?.data, { id: command.id, mac: 'a2:b2:c2:d2:e2:f3', status: 'accepted' });
  const pending = await waitFor(() => stream.events.find((e) => e.event === 'node' && (e.data as { channels: Array<{ pendingCommand?: unknown }> }).channels[1]?.pendingCommand),
    2000, 'the node event after the command (the end of the node-event window)');
  t.like(pending.data, { channels: [{ channel: 1 }, { channel: 2, pendingCommand: { id: command.id, status: 'accepted', state: 'on' } }] }, 'the node event shows the pending command');
  t.deepEqual(stream.events.find((e) => e.event === 'sink')?.data, { reachable: false, backlogPoints: 12, lastError: 'ECONNREFUSED' });
  await waitFor(() => stream.comments.includes(': heartbeat'), 2000, 'a heartbeat');
  stream.res.destroy();
});

test('every reading of a burst within one turn arrives, in order; the node events carry the state after them: 300 button presses of one node', async (t) => {
  const { rig, api } = await startApi(t);
  const stream = await open(api, rig.read);
  await waitFor(() => stream.comments.includes(': connected'), 2000, 'the greeting');
  for (let i = 0; i < 300; i += 1) {
    rig.bus.emit('reading', { ...reading(), atMs: i, channels: [{ channel: 1, press: 1 + (i % 2) }] });
    rig.bus.emit('nodeChanged', { mac: SOCKET });
  }
  rig.queue.submit(SOCKET, { type: 'relay', channel: 2, state: 'on' }, 'api');
  const isNode = (e: { event: string }) => e.event === 'node';
  await waitFor(() => stream.events.filter(isNode).length === 2, 5000, 'the node event at once and the one at the window\'s end');
  const readings = stream.events.filter((e) => e.event === 'reading').map((e) => e.data as ReadingEvent);
  t.deepEqual(readings.map((r) => r.atMs), Array.from({ length: 300 }, (_, i) => i));
  t.deepEqual(readings.map((r) => r.channels[0].press), Array.from({ length: 300 }, (_, i) => 1 + (i % 2)));
  t.deepEqual(stream.events.slice(0, 3).map((e) => e.event), ['reading', 'node', 'reading'], 'the first change at once, after its reading');
  const last = stream.events.filter(isNode).at(-1)!.data as { channels: Array<{ pendingCommand?: unknown }> };
  t.truthy(last.channels[1]?.pendingCommand, 'the last node event shows the state after the whole burst (the command submitted after it)');
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.is(stream.events.filter(isNode).length, 2, 'nothing more once quiet');
});

test('a client that stops reading is disconnected once its queue passes the bound; a reading client keeps its stream', async (t) => {
  const { rig, api } = await startApi(t, { sseMaxQueueBytes: 64 * 1024 });
  const slow = await open(api, rig.read, false);
  const fast = await open(api, rig.read);
  await waitFor(() => fast.comments.includes(': connected'), 2000, 'the fast client');
  const health = async (): Promise<{ eventClients: number; eventClientsDropped: number }> =>
    ((await (await fetch(`${api.url}/api/health`, { headers: { authorization: `Bearer ${rig.read}` } })).json()) as { api: { eventClients: number; eventClientsDropped: number } }).api;
  let sent = 0;
  const event = reading(40);
  while (sent < 20_000) {
    for (let i = 0; i < 10; i += 1) rig.bus.emit('reading', event);
    sent += 10;
    // A client that reads keeps up with a steady stream: wait for it now and then, as at a real 100 frames/s.
    await new Promise((r) => setImmediate(r));
    if (sent % 100 !== 0) continue;
    await waitFor(() => fast.events.length === sent, 5000, 'the fast client to keep up', 1);
    if ((await health()).eventClientsDropped > 0) break;
  }
  t.deepEqual(await health(), { eventClients: 1, eventClientsDropped: 1 }, `the slow client was disconnected (after ${sent} events)`);
  slow.res.resume();
  await slow.ended;
  await waitFor(() => fast.events.length === sent, 5000, 'every event at the fast client');
  t.log(`slow client dropped after ${sent} events of ${JSON.stringify(event).length} bytes`);
});

test('stop() ends open event streams and a waiting Prefer request within 1 s', async (t) => {
  const rig = await startApiRig();
  t.teardown(rig.close);
  const api = createHttpApi(rig.deps);
  await api.start();
  const stream = await open(api, rig.read);
  await waitFor(() => stream.comments.includes(': connected'), 2000, 'the stream');
  const waiting = new Promise<number>((resolve) => {
    const req = request(`${api.url}/api/nodes/${SOCKET}/channels/1/relay`, {
      method: 'PUT', headers: { authorization: `Bearer ${rig.control}`, prefer: 'wait=30', 'content-type': 'application/json' },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); res.on('error', () => resolve(-1)); });
    req.on('error', () => resolve(-1));
    req.end(JSON.stringify({ state: 'off' }));
  });
  await waitFor(() => rig.lines.length === 1, 2000, 'the command to be sent');
  const started = performance.now();
  await api.stop();
  await stream.ended;
  const status = await waiting;
  const ms = performance.now() - started;
  t.true(ms < 1000, `stopped in ${ms.toFixed(0)} ms`);
  t.true(status === 202 || status === -1, `the waiting request ended (${status})`);
  t.log(`stop with an open stream and a waiting PUT: ${ms.toFixed(0)} ms`);
});

test('the event stream needs a read token like every read', async (t) => {
  const { rig, api } = await startApi(t);
  const res = await new Promise<IncomingMessage>((resolve) => get(`${api.url}/api/events`, resolve));
  res.resume();
  t.is(res.statusCode, 401);
  t.is(rig.deps.config.openReads, false);
});
