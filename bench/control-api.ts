import type { PtyPair } from '../test/helpers/pty-pair.ts';
import { sleep, waitFor } from '../test/helpers/wait-for.ts';
import { brokerHeartbeat, brokerHello, FrameFeed, NODES, SOCKET, SOCKET_CHANNEL, socketConfirm, socketHello } from './control-feed.ts';
import { call, logLine, percentile, startControlGateway, type ControlGateway, type Parts } from './control-gateway.ts';
import { procStats } from './proc-stats.ts';
import { openSseClient } from './sse-clients.ts';

/** Adds one row to the bench table: name, value, unit, decimals, target. */
export type AddRow = (stage: string, value: number, unit: string, digits?: number, target?: string) => void;

/** What every control-side run needs: the built CLI, a temp dir, the pty, the InfluxDB URL, the row printer. */
export interface ControlRig { bin: string; dir: string; pty: PtyPair; influxUrl: string; add: AddRow; quick: boolean }

const MB = 1024 * 1024;
/** The team's budget for the whole service with every part on, MB of RSS. */
export const RSS_BUDGET = '< 100 MB budget';

/** Start-up of one gateway: ms from spawn to the first frame read (BOOT written every 10 ms) and to GET /api/health answering 200. */
export async function startUp(rig: ControlRig, name: string, parts: Parts): Promise<{ gw: ControlGateway; frameMs: number; apiMs?: number }> {
  const gw = await startControlGateway(rig.bin, rig.dir, name, rig.pty, rig.influxUrl, parts);
  let booted = false;
  const boots = (async () => { while (!booted) { await rig.pty.write(brokerHello()); await sleep(10); } })();
  const api = gw.url ? waitFor(async () => (await call(`${gw.url}/api/health`).catch(() => ({ status: 0 }))).status === 200 && Date.now(), 20_000, 'API answering', 10) : undefined;
  const first = await logLine(gw, 'broker started');
  booted = true;
  await boots;
  const apiAt = await api;
  return { gw, frameMs: Number(first.time) - gw.spawnedAtMs, ...(apiAt ? { apiMs: apiAt - gw.spawnedAtMs } : {}) };
}

/** Median of three start-ups (each gateway stopped again). */
export async function startUpRows(rig: ControlRig, label: string, parts: Parts): Promise<void> {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const r = await startUp(rig, `startup-${label.replace(/\W+/g, '-')}-${i}`, parts);
    await r.gw.stop();
    runs.push(r);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
  rig.add(`start-up, ${label}: node start -> first frame read (median of 3)`, median(runs.map((r) => r.frameMs)), 'ms');
  if (parts.api) rig.add(`start-up, ${label}: node start -> API answering (median of 3)`, median(runs.map((r) => r.apiMs!)), 'ms');
}

/** GET /api/nodes with 100 nodes heard: 200 warm-up requests, then `count` sequential ones on one keep-alive connection. */
async function nodesLatency(rig: ControlRig, gw: ControlGateway, feed: FrameFeed, count: number): Promise<void> {
  await feed.everyNode();
  await waitFor(async () => (JSON.parse((await call(`${gw.url}/api/nodes`)).body) as { nodes: unknown[] }).nodes.length >= NODES, 10_000, '100 nodes in /api/nodes');
  const once = async (): Promise<number> => {
    const t = performance.now();
    const r = await call(`${gw.url}/api/nodes`);
    if (r.status !== 200) throw new Error(`GET /api/nodes: ${r.status}`);
    return performance.now() - t;
  };
  for (let i = 0; i < 200; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await once());
  times.sort((a, b) => a - b);
  const bytes = (await call(`${gw.url}/api/nodes`)).body.length;
  rig.add(`GET /api/nodes, ${NODES} nodes (${Math.round(bytes / 1024)} KiB), ${count} sequential: p50`, percentile(times, 50), 'ms', 2);
  rig.add('  same: p99', percentile(times, 99), 'ms', 2);
}

/** RSS with the API on and one event stream open (the page's), 100 frames/s for `seconds`. */
async function pageRss(rig: ControlRig, gw: ControlGateway, feed: FrameFeed, seconds: number): Promise<void> {
  const page = await openSseClient(gw.url!, feed.sentAt);
  await call(`${gw.url}/`);
  await feed.atRate(100, seconds);
  await sleep(1000);
  const s = procStats(gw.child.pid!);
  page.close();
  rig.add(`RSS (b) API on, page's event stream open, after ${seconds} s at 100 frames/s: VmRSS`, s.rss / MB, 'MB', 1, RSS_BUDGET);
  rig.add('  same: VmHWM (peak since start)', s.peakRss / MB, 'MB', 1, RSS_BUDGET);
}

/** `clients` event streams while frames arrive at 100 frames/s for `seconds`. */
export async function fanOut(rig: ControlRig, url: string, feed: FrameFeed, clients: number, seconds: number, label = ''): Promise<void> {
  const streams = await Promise.all(Array.from({ length: clients }, () => openSseClient(url, feed.sentAt)));
  feed.clear();
  await feed.atRate(100, seconds);
  const frames = feed.sentAt.size;
  await waitFor(() => streams.every((c) => c.dropped || c.delays.length >= frames), 10_000, 'events delivered', 20).catch(() => undefined);
  for (const c of streams) c.close();
  const delivered = streams.map((c) => c.delays.length).sort((a, b) => a - b);
  const delays = streams.flatMap((c) => c.delays).sort((a, b) => a - b);
  rig.add(`SSE fan-out${label}: ${clients} clients, ${frames} frames at 100/s: reading events per client (min)`, delivered[0], `of ${frames}`);
  rig.add('  same: pty write -> event at the client, p50', percentile(delays, 50), 'ms', 1);
  rig.add('  same: p99', percentile(delays, 99), 'ms', 1);
  rig.add('  same: clients dropped', streams.filter((c) => c.dropped).length, `of ${clients}`);
}

/** `count` relay commands to a listening socket, one at a time: PUT (Prefer: wait=5) -> TX line on the pty; then TXR and RESULT confirm it. */
async function relayLatency(rig: ControlRig, gw: ControlGateway, count: number): Promise<void> {
  await rig.pty.write(brokerHeartbeat() + socketHello());
  await waitFor(async () => (await call(`${gw.url}/api/nodes/${SOCKET}`)).status === 200, 10_000, 'the socket heard');
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const on = i % 2 === 0;
    const seen = rig.pty.received().length;
    const t = performance.now();
    const put = call(`${gw.url}/api/nodes/${SOCKET}/channels/${SOCKET_CHANNEL}/relay`, {
      method: 'PUT', body: JSON.stringify({ state: on ? 'on' : 'off' }),
      headers: { Authorization: `Bearer ${gw.token}`, 'Content-Type': 'application/json', Prefer: 'wait=5' },
    });
    const tx = await waitFor(() => rig.pty.received().subarray(seen).toString('latin1').split('\n').slice(0, -1).find((l) => l.startsWith('TX,')), 5_000, 'the TX line', 1)
      .catch(async (err: Error) => { throw new Error(`${err.message}; the PUT answered ${JSON.stringify(await put)}`); });
    times.push(performance.now() - t);
    // A heartbeat first, so the broker is never silent for the next command (the PUT's answer comes after both are read).
    await rig.pty.write(brokerHeartbeat() + socketConfirm(Number(tx.split(',')[1]), on, i + 2));
    const answer = await put;
    if (answer.status !== 200 || !answer.body.includes('"status":"ok"')) throw new Error(`relay command ${i}: ${answer.status} ${answer.body}`);
  }
  times.sort((a, b) => a - b);
  rig.add(`PUT .../relay -> TX line on the pty, ${count} commands (1 ms polling): p50`, percentile(times, 50), 'ms', 1);
  rig.add('  same: p99', percentile(times, 99), 'ms', 1);
}

/** The API rows on one gateway with only the API on: start-up, GET /api/nodes, RSS (b), SSE fan-out, relay. */
export async function apiRows(rig: ControlRig): Promise<void> {
  const { gw } = await startUp(rig, 'api', { api: true });
  try {
    const feed = new FrameFeed(rig.pty);
    await nodesLatency(rig, gw, feed, 2000);
    await pageRss(rig, gw, feed, rig.quick ? 10 : 30);
    await fanOut(rig, gw.url!, feed, 10, rig.quick ? 10 : 30);
    await relayLatency(rig, gw, 200);
  } finally {
    await gw.stop();
  }
}
