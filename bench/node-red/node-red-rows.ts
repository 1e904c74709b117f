/**
 * Issue 13: Node-RED side by side with the gateway, on the same pty stream
 * into the same VictoriaMetrics (through bench/ack-proxy.ts), in one run.
 * Node-RED runs the flow of flow.ts (serial in -> function "decode RX line"
 * -> influxdb batch); the gateway runs as in bench/run.ts, once with the
 * pipeline only and once with every part on (API with the page's event
 * stream open, MQTT with a subscriber to `#` on a real mosquitto, metrics,
 * UDP meters), the configuration, in alternating rounds
 * ({@link NODE_RED_ROUNDS}). All three get the same
 * bytes: `simulatedLines(frames, 100, 7)`, written as fast as the pty takes
 * them. CPU is user + system time from /proc/<pid>/stat, peak RSS is VmHWM.
 *
 * Alone: `node --import tsx bench/node-red/node-red-rows.ts [--quick]`
 * prints the rows. Node-RED is installed on first use, see install.ts.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { startAckProxy, type AckProxy } from '../ack-proxy.ts';
import { call, percentile, type Parts } from '../control-gateway.ts';
import { simulatedLines } from '../decode.ts';
import { openSseClient, type SseClient } from '../sse-clients.ts';
import { startMosquitto } from '../../test/helpers/mosquitto.ts';
import { startPtyPair, type PtyPair } from '../../test/helpers/pty-pair.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { sleep, waitFor } from '../../test/helpers/wait-for.ts';
import { startVictoria } from '../../test/helpers/victoria.ts';
import { buildGateway, startGateway } from './gateway.ts';
import { ensureNodeRed, NODE_RED_VERSION } from './install.ts';
import { latenciesAt100 } from './latency.ts';
import { startNodeRed } from './node-red-process.ts';
import { streamRun, type StreamRun } from './stream-run.ts';

/** Adds a row to the bench table, as `add` in bench/run.ts. */
export type AddRow = (stage: string, value: number, unit: string, digits?: number, target?: string) => void;

/** Simulated nodes the frames come from. */
const NODES = 100;
const MB = 1024 * 1024;

const say = (text: string): void => void process.stderr.write(`bench: node-red: ${text}\n`);
const count = (n: number): string => n.toLocaleString('en-US');

/** The stream both programs get, and the points the gateway makes of it (a HELLO gives one, a REPORT two). */
interface Stream {
  frames: number;
  bytes: Buffer;
  points: number;
}

/** Every process and temp dir of the run, stopped in reverse order. */
type Stops = (() => Promise<void>)[];

/**
 * Rounds of the three runs by default. This machine's CPU time per frame
 * moves by +-15-25 % between runs of the same code (other tenants), and a
 * ratio of two single runs by twice that: the rounds alternate the three
 * programs and the ratio rows give the median round, with the lowest and
 * highest beside it. `--quick` runs one.
 */
export const NODE_RED_ROUNDS = 3;

/**
 * Measures Node-RED and then the gateway on the same stream (`quick`: 50,000
 * frames and 10 s of latency, else 200,000 and 30 s) and adds their rows:
 * each program's own rows from the first round, the ratios over
 * {@link NODE_RED_ROUNDS} rounds. `builtBin`: the gateway's
 * bin/espnow-gateway.js when already built. When Node-RED cannot be
 * installed it says why on stderr and adds no row.
 */
export async function nodeRedRows(add: AddRow, quick: boolean, builtBin?: string): Promise<void> {
  const install = ensureNodeRed(say);
  if (!install.ok) {
    say(`not measured: ${install.reason}`);
    return;
  }
  const bin = builtBin ?? buildGateway();
  const frames = quick ? 50_000 : 200_000;
  const rounds = quick ? 1 : NODE_RED_ROUNDS;
  say(`making ${count(frames)} frames from ${NODES} simulated nodes`);
  const { lines, points } = simulatedLines(frames, NODES, 7);
  const stream: Stream = { frames, points, bytes: Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1') };
  const stops: Stops = [];
  try {
    const dir = await makeTempDir('node-red');
    stops.push(dir.remove);
    const pty = await startPtyPair();
    stops.push(pty.stop);
    const vm = await startVictoria();
    stops.push(vm.stop);
    const proxy = await startAckProxy(vm.url);
    stops.push(proxy.stop);
    const mosquitto = await startMosquitto();
    stops.push(mosquitto.stop);
    const all: Parts = { api: true, metrics: true, mqttUrl: mosquitto.url, udpMeters: true };
    const perRound: { nodeRed: number; gateway: number; everyPart: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      // The programs' own rows (and Node-RED's latency) from the first round; the later ones only add to the ratios.
      const rows: AddRow = round === 0 ? add : () => {};
      if (rounds > 1) say(`round ${round + 1} of ${rounds}`);
      const roundDir = join(dir.path, `round-${round + 1}`);
      await mkdir(roundDir);
      const nodeRed = await nodeRedPart(install.redJs, roundDir, pty, proxy, stream, round > 0 ? 0 : quick ? 10 : 30, rows);
      const gateway = await gatewayPart(bin, roundDir, pty, proxy, stream, rows);
      const everyPart = await gatewayPart(bin, roundDir, pty, proxy, stream, rows, all);
      const r = { nodeRed: perCpuS(nodeRed, stream), gateway: perCpuS(gateway, stream), everyPart: perCpuS(everyPart, stream) };
      perRound.push(r);
      say(`round ${round + 1}: frames/CPU-s Node-RED ${count(Math.round(r.nodeRed))}, gateway ${count(Math.round(r.gateway))} (${(r.gateway / r.nodeRed).toFixed(1)}x), every part on ${count(Math.round(r.everyPart))} (${(r.everyPart / r.nodeRed).toFixed(1)}x)`);
    }
    const over = rounds > 1 ? ` (median of ${rounds} alternating rounds)` : '';
    addRatioRows(add, `gateway (pipeline only) / Node-RED, frames per CPU-second${over}`, perRound.map((r) => r.gateway / r.nodeRed), '>= 10');
    addRatioRows(add, `gateway (every part on) / Node-RED, frames per CPU-second${over}`, perRound.map((r) => r.everyPart / r.nodeRed), '>= 10 (issue 13)');
    if (rounds > 1) {
      add(`  Node-RED frames/CPU-s, median of the rounds`, median(perRound.map((r) => r.nodeRed)), 'frames/CPU-s');
      add(`  gateway (every part on) frames/CPU-s, median of the rounds`, median(perRound.map((r) => r.everyPart)), 'frames/CPU-s');
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

/** The middle round (of an odd number; the upper middle of an even one). */
const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

/** The median ratio, and with several rounds the lowest and the highest. */
function addRatioRows(add: AddRow, title: string, ratios: number[], target: string): void {
  add(title, median(ratios), 'x', 1, target);
  if (ratios.length > 1) {
    add('  same, lowest round', Math.min(...ratios), 'x', 1);
    add('  same, highest round', Math.max(...ratios), 'x', 1);
  }
}

/** Frames whose points were acknowledged (all of them unless points went missing), per CPU-second. */
const perCpuS = (run: StreamRun, stream: Stream): number => framesDone(run, stream) / run.cpuS;
const framesDone = (run: StreamRun, stream: Stream): number => (stream.frames * run.points) / stream.points;

/** Node-RED's throughput run, then (when every point arrived and `latencyS` > 0) its latency at 100 frames/s for `latencyS` s; adds their rows. */
async function nodeRedPart(redJs: string, dir: string, pty: PtyPair, proxy: AckProxy, stream: Stream, latencyS: number, add: AddRow): Promise<StreamRun> {
  const userDir = join(dir, 'node-red');
  await mkdir(userDir);
  say(`starting Node-RED ${NODE_RED_VERSION}`);
  const nodeRed = await startNodeRed(redJs, userDir, { serialPath: pty.gatewayPath, influxUrl: proxy.url });
  try {
    say(`writing ${count(stream.frames)} frames to the pty`);
    const run = await streamRun(nodeRed.pid, pty.brokerPath, stream.bytes, stream.points, proxy);
    addRunRows(add, run, stream, `Node-RED ${NODE_RED_VERSION} (serial in -> function -> influxdb batch, a write per frame)`, 'Node-RED');
    add('  Node-RED: points acknowledged', run.points, 'points', 0, `= ${count(stream.points)}`);
    if (run.points > stream.points) say(`${count(run.points - stream.points)} points acknowledged twice: writes that timed out at Node-RED's InfluxDB client had reached the store, and were retried`);
    if (run.points < stream.points) {
      say(`${count(stream.points - run.points)} of ${count(stream.points)} points never arrived (none for 30 s; ${run.fed ? 'the pty was read to the end' : 'the pty was not read to the end'}): no latency run`);
      return run;
    }
    if (latencyS <= 0) return run;
    say(`latency: 100 frames/s for ${latencyS} s`);
    try {
      const latencies = await latenciesAt100(pty, proxy, latencyS);
      add('Node-RED latency at 100 frames/s, pty write -> ack: p50', percentile(latencies, 50), 'ms', 1);
      add('  same, p99', percentile(latencies, 99), 'ms', 1);
    } catch (err) {
      say(`latency not measured: ${(err as Error).message}`);
    }
    return run;
  } finally {
    await nodeRed.stop();
  }
}

/**
 * The gateway's run on the same stream, with `parts` on (none: the pipeline
 * only; with the API, the page's event stream is open through the run, and
 * with MQTT a subscriber takes every topic); adds its rows.
 */
async function gatewayPart(bin: string, dir: string, pty: PtyPair, proxy: AckProxy, stream: Stream, add: AddRow, parts: Parts = {}): Promise<StreamRun> {
  const everyPart = parts.api === true;
  const who = everyPart ? 'gateway, every part on' : 'gateway';
  say(`starting the ${who}`);
  const gateway = await startGateway(bin, dir, pty, proxy.url, everyPart ? 'gateway-all' : 'gateway', parts);
  let page: SseClient | undefined;
  let subscriber: MqttClient | undefined;
  try {
    if (gateway.url) {
      await waitFor(async () => (await call(`${gateway.url}/api/health`).catch(() => ({ status: 0 }))).status === 200, 20_000, 'API answering', 10);
      page = await openSseClient(gateway.url, new Map());
    }
    if (parts.mqttUrl) {
      subscriber = await connectAsync(parts.mqttUrl, { clientId: 'bench-node-red-subscriber' });
      await subscriber.subscribeAsync('#');
    }
    say(`writing the same ${count(stream.frames)} frames to the pty`);
    const run = await streamRun(gateway.child.pid!, pty.brokerPath, stream.bytes, stream.points, proxy);
    addRunRows(add, run, stream, everyPart ? 'gateway, every part on (API + event stream open, MQTT subscribed to #, metrics), same stream' : 'gateway (pipeline only), same stream', who);
    if (page) {
      await sleep(500); // the stream's last write
      add(`  ${who}: reading events at the page's event stream`, page.readings, `of ${count(stream.frames)}`);
    }
    if (run.points < stream.points) say(`${who}: ${count(stream.points - run.points)} of ${count(stream.points)} points never arrived`);
    return run;
  } finally {
    page?.close();
    subscriber?.end(true);
    await gateway.stop();
  }
}

/** Frames/s, frames per CPU-second, VmHWM and line-protocol bytes per point of one run. */
function addRunRows(add: AddRow, run: StreamRun, stream: Stream, title: string, who: string): void {
  add(`${title}: ${count(stream.frames)} frames, pty -> acknowledged points`, framesDone(run, stream) / run.seconds, 'frames/s');
  add(`  same, per CPU-second of the ${who} process`, perCpuS(run, stream), 'frames/CPU-s');
  add(`  ${who}: RSS peak (VmHWM, whole run incl. start-up)`, run.peakRss / MB, 'MB', 1);
  add(`  ${who}: line protocol sent per point (uncompressed)`, run.bytes / run.points, 'B/point', 1);
}

/** Runs {@link nodeRedRows} and prints its rows as a table on stdout. */
async function main(): Promise<void> {
  const rows: string[][] = [];
  await nodeRedRows((stage, value, unit, digits = 0, target = '') => {
    rows.push([stage, value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }), unit, target]);
  }, process.argv.includes('--quick'));
  const width = (i: number): number => Math.max(...rows.map((r) => r[i].length));
  for (const [stage, value, unit, target] of rows) {
    process.stdout.write(`${stage.padEnd(width(0))}  ${value.padStart(width(1))}  ${unit.padEnd(width(2))}  ${target}\n`);
  }
}

if (import.meta.filename === resolve(process.argv[1] ?? '')) await main();
