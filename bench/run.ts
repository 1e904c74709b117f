/**
 * `npm run bench [-- --quick] [-- --profile] [-- --throughput-only] [-- --api-only] [-- --latency-only] [-- --replay-only] [-- --node-red-only]`: the gateway's figures on this
 * machine, printed as one table (never a pass/fail test). See
 * docs/performance.md for the method and the figures of a full run.
 *
 * The gateway runs as the real CLI in its own process, compiled the way it
 * ships (`npm run build`: tsc into dist/, started by bin/espnow-gateway.js), reading a
 * real socat pty and writing to a real VictoriaMetrics through a recording
 * proxy that notes when each write was acknowledged.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeFile } from 'node:fs/promises';
import { collectLogs } from './control-gateway.ts';
import { REPO } from '../test/helpers/gateway-process.ts';
import { frameKey, numberedLine } from '../test/helpers/numbered-frames.ts';
import { feedPty } from '../test/helpers/pty-feed.ts';
import { startPtyPair, type PtyPair } from '../test/helpers/pty-pair.ts';
import { makeTempDir, type TempDir } from '../test/helpers/temp-dir.ts';
import { startVictoria } from '../test/helpers/victoria.ts';
import { sleep, waitFor } from '../test/helpers/wait-for.ts';
import { startAckProxy, type AckProxy } from './ack-proxy.ts';
import { benchDecode, simulatedLines } from './decode.ts';
import { benchSerialRead } from './serial-read.ts';
import { procStats } from './proc-stats.ts';
import { benchRender } from './render.ts';
import { benchControlSide } from './control-side.ts';
import { GATEWAY_ENV, GATEWAY_NODE_FLAGS } from './control-gateway.ts';
import { replayRows } from './replay.ts';
import { nodeRedRows } from './node-red/node-red-rows.ts';

const quick = process.argv.includes('--quick');
const profile = process.argv.includes('--profile');
/** Only the end-to-end throughput run (for measuring one change at a time). */
const throughputOnly = process.argv.includes('--throughput-only');
/** Only the control side's rows (bench/control-side.ts: API, event stream, relay, RSS per configuration, start-up). */
const apiOnly = process.argv.includes('--api-only');
/** Only the latency run at 100 frames/s and the memory phase that follows it (for measuring the sink's wait). */
const latencyOnly = process.argv.includes('--latency-only');
/** Only the replay of a spooled backlog (bench/replay.ts). */
const replayOnly = process.argv.includes('--replay-only');
/** Only Node-RED side by side with the gateway (bench/node-red/). */
const nodeRedOnly = process.argv.includes('--node-red-only');
/** Points in the replayed backlog. */
const REPLAY_POINTS = quick ? 200_000 : 1_000_000;
/** Frames of the throughput run, from 100 simulated nodes. */
const THROUGHPUT_FRAMES = quick ? 100_000 : 1_000_000;
/** Real-time run at 100 frames/s for latency (and RSS at the real rate), s. */
const LATENCY_S = quick ? 10 : 60;
/** Simulated minutes at 100 frames/s from 100 nodes for memory, fed at 10x. */
const MEMORY_MINUTES = quick ? 1 : 10;
const NODES = 100;

interface Row { stage: string; value: string; unit: string; target: string }
const rows: Row[] = [];
const add = (stage: string, value: number, unit: string, digits = 0, target = ''): void => {
  rows.push({ stage, value: value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }), unit, target });
};
const say = (text: string): void => void process.stderr.write(`bench: ${text}\n`);
const MB = 1024 * 1024;

/** The CLI as it ships: tsc's output in dist/ behind bin/espnow-gateway.js (built afresh here). */
function build(): string {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
  return join(REPO, 'bin', 'espnow-gateway.js');
}

interface Running { child: ChildProcess; logs: Record<string, unknown>[]; stop(): Promise<void> }

async function startGateway(bin: string, dir: TempDir, name: string, pty: PtyPair, url: string, profileDir?: string): Promise<Running> {
  const dataDir = join(dir.path, name);
  const config = join(dir.path, `${name}.yaml`);
  await writeFile(config, stringify({
    gateway: 'bench', dataDir, serial: { path: pty.gatewayPath, baudRate: 921600 },
    influx: { url, org: 'home', bucket: 'sensors', token: 'bench' }, // flushIntervalMs, batchSize: the defaults
    clock: { requireSync: false },
  }));
  const args = [...GATEWAY_NODE_FLAGS, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), bin, 'run', '--config', config];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: GATEWAY_ENV });
  const logs = collectLogs(child);
  await waitFor(() => logs.some((l) => l.msg === 'broker serial port open'), 20_000, `${name}: port open`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, logs, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function throughput(bin: string, dir: TempDir, pty: PtyPair, proxy: AckProxy): Promise<void> {
  say(`throughput: making ${THROUGHPUT_FRAMES.toLocaleString('en-US')} frames from ${NODES} simulated nodes`);
  const { lines, points } = simulatedLines(THROUGHPUT_FRAMES, NODES, 7);
  const bytes = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
  const profileDir = profile ? join(dir.path, 'profile') : undefined;
  const gw = await startGateway(bin, dir, 'throughput', pty, proxy.url, profileDir);
  const pid = gw.child.pid!;
  const before = procStats(pid);
  const ackedBefore = proxy.lines();
  say('throughput: writing to the pty');
  const started = performance.now();
  const fed = feedPty(pty.brokerPath, bytes).then(() => performance.now());
  await waitFor(() => proxy.lines() - ackedBefore >= points, 600_000, 'every point acknowledged', 100);
  const seconds = (performance.now() - started) / 1000;
  const writtenS = ((await fed) - started) / 1000;
  const after = procStats(pid);
  await gw.stop();
  const cpuS = after.cpuS - before.cpuS;
  add(`end-to-end: ${THROUGHPUT_FRAMES.toLocaleString('en-US')} frames, pty -> acknowledged points`, THROUGHPUT_FRAMES / seconds, 'frames/s', 0, '>= 50,000');
  add('  same, per CPU-second of the gateway process', THROUGHPUT_FRAMES / cpuS, 'frames/CPU-s');
  add('  pty write time alone (broker side, cat)', THROUGHPUT_FRAMES / writtenS, 'frames/s');
  const written = after.writeBytes - before.writeBytes;
  add('spool: bytes written to disk per point (/proc write_bytes)', written / points, 'B/point', 1);
  add('  line protocol sent per point (uncompressed)', proxy.bytes() / proxy.lines(), 'B/point', 1);
  if (profileDir) printProfile(profileDir);
}

function printProfile(dir: string): void {
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f))[0];
  if (!file) return;
  const kept = join(tmpdir(), 'espnow-gateway-throughput.cpuprofile');
  copyFileSync(file, kept);
  const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + p.timeDeltas[i]);
    total += p.timeDeltas[i];
  });
  process.stdout.write('\ngateway CPU profile, throughput run (self time, top 20):\n');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) process.stdout.write(`  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}\n`);
  process.stdout.write(`  (the whole profile: ${kept}, for Chrome DevTools)\n`);
}

async function latencyAndMemory(bin: string, dir: TempDir, pty: PtyPair, proxy: AckProxy): Promise<void> {
  const gw = await startGateway(bin, dir, 'latency', pty, proxy.url);
  const pid = gw.child.pid!;
  const written = new Map<string, number>();
  proxy.acks = new Map();
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(procStats(pid).rss), 1000);
  let k = 0;
  const frame = (): string => {
    const node = k % NODES;
    const seq = Math.floor(k / NODES);
    k += 1;
    written.set(frameKey(node, seq), performance.now());
    return `${numberedLine(node, seq)}\r\n`;
  };
  say(`latency: 100 frames/s for ${LATENCY_S} s (flushIntervalMs 1000, the default)`);
  const start = performance.now();
  for (let i = 0; i < LATENCY_S * 100; i++) {
    const due = start + i * 10;
    if (due > performance.now()) await sleep(due - performance.now());
    await pty.write(frame());
  }
  const latencyKeys = [...written.keys()];
  await waitFor(() => latencyKeys.every((key) => proxy.acks!.has(key)), 30_000, 'latency frames acknowledged', 100);
  const latencies = latencyKeys.map((key) => proxy.acks!.get(key)! - written.get(key)!).sort((a, b) => a - b);
  add('latency at 100 frames/s, pty write -> ack: p50', percentile(latencies, 50), 'ms');
  add('latency at 100 frames/s, pty write -> ack: p99', percentile(latencies, 99), 'ms');
  const realRss = rss.slice(Math.floor(rss.length / 2));

  const frames = MEMORY_MINUTES * 60 * 100;
  say(`memory: ${MEMORY_MINUTES} simulated minutes (${frames.toLocaleString('en-US')} frames) at 10x, 1,000 frames/s`);
  rss.length = 0;
  const memStart = performance.now();
  for (let i = 0; i < frames / 10; i++) {
    const due = memStart + i * 10;
    if (due > performance.now()) await sleep(due - performance.now());
    let chunk = '';
    for (let j = 0; j < 10; j++) chunk += frame();
    await pty.write(chunk);
  }
  const allKeys = [...written.keys()];
  await waitFor(() => allKeys.every((key) => proxy.acks!.has(key)), 60_000, 'memory frames acknowledged', 200);
  clearInterval(sampler);
  const peak = procStats(pid).peakRss;
  const steady = [...rss.slice(Math.floor(rss.length / 2))].sort((a, b) => a - b);
  await gw.stop();
  proxy.acks = undefined;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  add(`memory: RSS steady, ${MEMORY_MINUTES} min simulated at 100 frames/s, 100 nodes`, median(steady) / MB, 'MB', 1, '<= 80');
  add('memory: RSS steady, at 100 frames/s in real time', median(realRss) / MB, 'MB', 1, '<= 80');
  add('memory: RSS peak (VmHWM, whole run incl. start-up)', peak / MB, 'MB', 1, '<= 80');
}

async function main(): Promise<void> {
  say(quick ? 'quick run' : 'full run (about 13 minutes here)');
  const bin = build();

  if (apiOnly) return benchControlSide(bin, add, quick).then(printRows);
  if (nodeRedOnly) return nodeRedRows(add, quick, bin).then(printRows);
  const only = throughputOnly || latencyOnly || replayOnly;
  if (!latencyOnly && !replayOnly) {
    say('decoding alone');
    const { lines } = simulatedLines(quick ? 50_000 : 200_000, NODES);
    add('decoding alone: decodeLine + parseBrokerFrame + decodeMessage', benchDecode(lines, quick ? 3 : 10), 'lines/s', 0, '>= 500,000');
    say('serial read alone');
    const serial = await benchSerialRead(quick ? 1 : 3);
    add(`serial read alone, ${Math.round(serial.bytesPerChunk).toLocaleString('en-US')}-byte chunks from a pty: poll + readSync of 4 KiB (the gateway's)`, serial.polled, 'CPU us/KiB', 2);
    add('  same, bindings-cpp fs.read on the thread pool', serial.threadPool, 'CPU us/KiB', 2);
  }

  const dir = await makeTempDir('bench');
  const pty = await startPtyPair();
  const vm = await startVictoria();
  const proxy = await startAckProxy(vm.url);
  try {
    if (!only || throughputOnly) await throughput(bin, dir, pty, proxy);
    if (!only || latencyOnly) await latencyAndMemory(bin, dir, pty, proxy);
    if (!only || replayOnly) await replayRows(bin, dir.path, pty, proxy, REPLAY_POINTS, add);
  } finally {
    await proxy.stop();
    await vm.stop();
    await pty.stop();
    await dir.remove();
  }
  if (!only) for (const r of await benchRender()) add(r.name, r.value, r.unit, 2, '< 50');
  if (!only) await benchControlSide(bin, add, quick);
  if (!only) await nodeRedRows(add, quick, bin);
  printRows();
}

function printRows(): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(`\nespnow-gateway bench${quick ? ' (--quick)' : ''}${apiOnly ? ' (--api-only)' : ''}${nodeRedOnly ? ' (--node-red-only)' : ''}: ${cpu}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n\n`);
  const w = [Math.max(...rows.map((r) => r.stage.length)), Math.max(...rows.map((r) => r.value.length)), Math.max(...rows.map((r) => r.unit.length))];
  process.stdout.write(`${'stage'.padEnd(w[0])}  ${'value'.padStart(w[1])}  ${'unit'.padEnd(w[2])}  target\n`);
  for (const r of rows) process.stdout.write(`${r.stage.padEnd(w[0])}  ${r.value.padStart(w[1])}  ${r.unit.padEnd(w[2])}  ${r.target}\n`);
}

await main();
