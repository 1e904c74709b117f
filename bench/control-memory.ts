import { connect, type MqttClient } from 'mqtt';
import { feedPty } from '../test/helpers/pty-feed.ts';
import { startMosquitto } from '../test/helpers/mosquitto.ts';
import { sleep, waitFor } from '../test/helpers/wait-for.ts';
import type { AckProxy } from './ack-proxy.ts';
import { fanOut, RSS_BUDGET, startUp, type ControlRig } from './control-api.ts';
import { FrameFeed } from './control-feed.ts';
import { call, type ControlGateway, type Parts } from './control-gateway.ts';
import { simulatedLines } from './decode.ts';
import { procStats } from './proc-stats.ts';
import { openSseClient } from './sse-clients.ts';

const MB = 1024 * 1024;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** RSS (a): pipeline only (no api, mqtt, metrics, udpMeters), 5 s idle after start. */
async function pipelineOnly(rig: ControlRig): Promise<void> {
  const { gw } = await startUp(rig, 'rss-pipeline', {});
  try {
    await sleep(5000);
    const s = procStats(gw.child.pid!);
    rig.add('RSS (a) pipeline only, idle 5 s after start: VmRSS', s.rss / MB, 'MB', 1, '<= 80 (issue 13)');
    rig.add('  same: VmHWM', s.peakRss / MB, 'MB', 1);
  } finally {
    await gw.stop();
  }
}

/** A subscriber to everything the gateway publishes (what Home Assistant would be); counts messages. */
async function subscriber(url: string): Promise<{ client: MqttClient; messages: () => number }> {
  const client = connect(url, { clientId: 'bench-subscriber' });
  let messages = 0;
  client.on('message', () => { messages += 1; });
  await new Promise<void>((resolve, reject) => { client.once('connect', () => resolve()); client.once('error', reject); });
  await client.subscribeAsync('#');
  return { client, messages: () => messages };
}

/** Samples VmRSS every second until stopped; scrapes GET /metrics every 5 s (as Prometheus would). */
function sampler(gw: ControlGateway): { stop(): number[] } {
  const rss: number[] = [];
  const every = setInterval(() => rss.push(procStats(gw.child.pid!).rss), 1000);
  const scrape = setInterval(() => void call(`${gw.url}/metrics`).catch(() => undefined), 5000);
  return { stop: () => { clearInterval(every); clearInterval(scrape); return rss; } };
}

/**
 * RSS (d): peak while 200,000 frames from 100 nodes are written as fast as
 * the pty takes them, with every part on, the page's event stream open and a
 * subscriber to every MQTT topic; and the gateway's CPU per frame in that
 * burst (issue 13's end-to-end target is with these services on).
 */
async function burst(rig: ControlRig, proxy: AckProxy, parts: Parts, sub: { messages: () => number }): Promise<void> {
  const { lines, points } = simulatedLines(200_000, 100, 11);
  const bytes = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
  const d = await startUp(rig, 'rss-burst', parts);
  try {
    const page = await openSseClient(d.gw.url!, new Map());
    await sleep(1000);
    const samples = sampler(d.gw);
    const before = proxy.lines();
    const cpuBefore = procStats(d.gw.child.pid!).cpuS;
    const messagesBefore = sub.messages();
    const started = performance.now();
    await feedPty(rig.pty.brokerPath, bytes);
    await waitFor(() => proxy.lines() - before >= points, 300_000, 'burst points acknowledged', 100);
    const seconds = (performance.now() - started) / 1000;
    const rss = samples.stop();
    const s = procStats(d.gw.child.pid!);
    rig.add('end-to-end, every part on (API, event stream, MQTT subscribed to #, metrics), 200,000-frame burst', 200_000 / (s.cpuS - cpuBefore), 'frames/CPU-s', 0, '>= 85,000 (issue 13)');
    rig.add('  same: MQTT messages the subscriber received in the burst', sub.messages() - messagesBefore, 'msgs');
    page.close();
    rig.add(`RSS (d) every part on, 200,000-frame burst from 100 nodes (${Math.round(200_000 / seconds).toLocaleString('en-US')} frames/s): VmHWM`, s.peakRss / MB, 'MB', 1, RSS_BUDGET);
    rig.add('  same: VmRSS highest 1 s sample', Math.max(...rss, s.rss) / MB, 'MB', 1, RSS_BUDGET);
    rig.add(`  same: page's event stream: reading events, ${page.dropped ? 'dropped' : 'kept'}`, page.readings, `of ${lines.length}`);
  } finally {
    await d.gw.stop();
  }
}

/** RSS (c): every part on, 10 event streams, 100 frames/s; then (d), the burst. A real mosquitto and a subscriber to `#` for both. */
async function everyPart(rig: ControlRig, proxy: AckProxy): Promise<void> {
  const mosquitto = await startMosquitto();
  const parts: Parts = { api: true, metrics: true, mqttUrl: mosquitto.url, udpMeters: true };
  const sub = await subscriber(mosquitto.url);
  try {
    const seconds = rig.quick ? 10 : 30;
    const c = await startUp(rig, 'rss-all', parts);
    rig.add('start-up, every part on: node start -> first frame read (one run)', c.frameMs, 'ms');
    rig.add('start-up, every part on: node start -> API answering (one run)', c.apiMs!, 'ms');
    try {
      const feed = new FrameFeed(rig.pty);
      await feed.everyNode();
      const samples = sampler(c.gw);
      await fanOut(rig, c.gw.url!, feed, 10, seconds, ' (every part on)');
      const rss = samples.stop();
      const s = procStats(c.gw.child.pid!);
      rig.add(`RSS (c) every part on, 10 event streams, ${seconds} s at 100 frames/s: VmRSS median, 2nd half`, median(rss.slice(Math.floor(rss.length / 2))) / MB, 'MB', 1, RSS_BUDGET);
      rig.add('  same: VmHWM', s.peakRss / MB, 'MB', 1, RSS_BUDGET);
      rig.add('  MQTT messages the subscriber received', sub.messages(), 'msgs');
    } finally {
      await c.gw.stop();
    }

    await burst(rig, proxy, parts, sub);
  } finally {
    sub.client.end(true);
    await mosquitto.stop();
  }
}

/** The memory rows (a), (c), (d); (b) is measured with the API rows. */
export async function memoryRows(rig: ControlRig, proxy: AckProxy): Promise<void> {
  await pipelineOnly(rig);
  await everyPart(rig, proxy);
}
