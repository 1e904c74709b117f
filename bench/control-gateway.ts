import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { TokenFile } from '../src/control/http/token-file.ts';
import { freePort } from '../test/helpers/free-port.ts';
import type { PtyPair } from '../test/helpers/pty-pair.ts';
import { waitFor } from '../test/helpers/wait-for.ts';

/**
 * `node` flags for every bench gateway, from env `GATEWAY_NODE_FLAGS`
 * (space-separated; empty for none). Default the flags the systemd unit and
 * run-forever.sh start the service with, so the figures are the service's.
 */
export const GATEWAY_NODE_FLAGS = (process.env.GATEWAY_NODE_FLAGS ?? '--max-semi-space-size=1 --heap-growing-percent=25').split(' ').filter(Boolean);

/**
 * Environment of every bench gateway: the process's own plus the malloc
 * settings the unit sets (see deploy/espnow-gateway.service), each unless
 * `GATEWAY_<name>` says otherwise (empty: glibc's default).
 */
export const GATEWAY_ENV: NodeJS.ProcessEnv = (() => {
  const env = { ...process.env };
  const service = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' };
  for (const [name, value] of Object.entries(service)) {
    const chosen = process.env[`GATEWAY_${name}`] ?? value;
    if (chosen) env[name] = chosen;
    else delete env[name];
  }
  return env;
})();

/** Which parts of the service a bench gateway turns on besides the pipeline. */
export interface Parts {
  /** `api` section on a free port (openReads, rate limit out of the way). */
  api?: boolean;
  /** `metrics:` (GET /metrics on the API's server). */
  metrics?: boolean;
  /** `mqtt:` at this broker URL, with Home Assistant discovery. */
  mqttUrl?: string;
  /** `udpMeters:` on a free UDP port on 127.0.0.1. */
  udpMeters?: boolean;
}

/** The real CLI in its own process, see {@link startControlGateway}. */
export interface ControlGateway {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Record<string, unknown>[];
  /** Date.now() just before the spawn. */
  spawnedAtMs: number;
  /** `http://127.0.0.1:<port>` when the API is on. */
  url?: string;
  /** A `control` token (Bearer) when the API is on. */
  token?: string;
  stop(): Promise<void>;
}

/**
 * Writes `<dir>/<name>.yaml` (influx at `influxUrl`, clock sync not required,
 * the `parts` asked for) and spawns `node <bin> run --config` on it. Resolves
 * at once, without waiting for anything: the caller decides what "up" means.
 */
export async function startControlGateway(bin: string, dir: string, name: string, pty: PtyPair, influxUrl: string, parts: Parts): Promise<ControlGateway> {
  const dataDir = join(dir, name);
  const tokensFile = join(dir, `${name}-tokens.json`);
  const port = parts.api ? await freePort() : 0;
  const token = parts.api ? (await new TokenFile(tokensFile).add('control', 'bench')).token : undefined;
  const config = join(dir, `${name}.yaml`);
  await writeFile(config, stringify({
    gateway: 'bench', dataDir, serial: { path: pty.gatewayPath, baudRate: 921600 },
    influx: { url: influxUrl, org: 'home', bucket: 'sensors', token: 'bench' },
    clock: { requireSync: false },
    ...(parts.api ? { api: { listen: `127.0.0.1:${port}`, tokensFile, openReads: true, controlRatePerMin: 1_000_000 } } : {}),
    ...(parts.metrics ? { metrics: {} } : {}),
    ...(parts.mqttUrl ? { mqtt: { url: parts.mqttUrl, homeAssistant: {} } } : {}),
    ...(parts.udpMeters ? { udpMeters: { listen: `127.0.0.1:${await freePort()}` } } : {}),
  }));
  const spawnedAtMs = Date.now();
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, bin, 'run', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'], env: GATEWAY_ENV });
  const logs = collectLogs(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child, logs, spawnedAtMs, token,
    ...(parts.api ? { url: `http://127.0.0.1:${port}` } : {}),
    stop: async () => { if (child.exitCode === null) child.kill('SIGTERM'); await exited; },
  };
}

/** Resolves with the log line `msg` once the gateway has written it. */
export const logLine = (gw: ControlGateway, msg: string, timeoutMs = 20_000): Promise<Record<string, unknown>> =>
  waitFor(() => gw.logs.find((l) => l.msg === msg), timeoutMs, `log "${msg}"`, 5);

/** One keep-alive connection, reused by every {@link call}. */
export const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

/** An HTTP request on {@link keepAlive}; resolves with status and body once the body has arrived. */
export function call(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: keepAlive }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Value at percentile `p` (0..100) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The gateway's JSON log lines from its stdout, parsed, as they arrive (the array grows). */
export function collectLogs(child: import('node:child_process').ChildProcess): Record<string, unknown>[] {
  const logs: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (l.startsWith('{')) logs.push(JSON.parse(l) as Record<string, unknown>);
  });
  return logs;
}
