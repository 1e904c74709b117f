import { spawn, type ChildProcess } from 'node:child_process';
import { onFreePort } from './free-port.ts';
import { makeTempDir, type TempDir } from './temp-dir.ts';
import { waitFor } from './wait-for.ts';

/** One series from `/api/v1/export` (JSON lines). */
export interface ExportedSeries {
  /** `__name__` is `<measurement>_<field>`; tags are the other labels. */
  metric: Record<string, string>;
  values: number[];
  /** Milliseconds since the epoch. */
  timestamps: number[];
}

/** A running VictoriaMetrics, see {@link startVictoria}. */
export interface Victoria {
  /** Base URL, e.g. `http://127.0.0.1:41234`; use it as `influx.url`. */
  url: string;
  port: number;
  /** Its storage dir (kept across {@link Victoria.restart}). */
  dataDir: string;
  /** Flushes VM's ingest buffers, then exports every series matching `match` (default all). */
  export(match?: string): Promise<ExportedSeries[]>;
  /** Number of samples matching `match` (default all). */
  count(match?: string): Promise<number>;
  /** Stops the server (an outage); the port and data stay. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data dir. */
  restart(): Promise<void>;
  /** Stops it and deletes its data. */
  stop(): Promise<void>;
}

/**
 * Starts Debian's `/usr/bin/victoria-metrics` on 127.0.0.1 on a free port
 * (`-httpListenAddr`, `-storageDataPath <tmp>`, `-retentionPeriod 100y`) and
 * waits for `/health`. It speaks the InfluxDB v2 write API, which is what the
 * gateway uses. What VictoriaMetrics does with line protocol (checked with
 * v1.x as packaged, see test/sinks/influx-sink.test.ts):
 * - `/api/v2/write?org=&bucket=&precision=us` is accepted (204) and `us` is
 *   honoured; timestamps are stored in ms (`-influxTrimTimestamp` 1ms).
 * - measurement + field become the metric name `measurement_field`; tags
 *   become labels; `org`/`bucket` add no label (no `db` label either).
 * - field types are not kept: integers and floats are numbers, booleans 1/0.
 * - the token is ignored, and malformed lines are skipped with 204 (InfluxDB
 *   would answer 400): use {@link startInfluxGate} in front for 401/400/404.
 * - writes become visible to `/api/v1/export` only after
 *   `/internal/force_flush` (about 1 s otherwise); {@link Victoria.export} does it.
 */
export async function startVictoria(): Promise<Victoria> {
  const dir: TempDir = await makeTempDir('vm');
  let port = 0;
  let url = '';
  let child: ChildProcess | undefined;

  const up = async (): Promise<void> => {
    const proc = spawn(
      'victoria-metrics',
      [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir.path}/data`, '-retentionPeriod=100y', '-loggerLevel=ERROR', '-search.latencyOffset=0s'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child = proc;
    await waitFor(
      async () => proc.exitCode !== null || (await fetch(`${url}/health`).then((r) => r.ok, () => false)),
      15000,
      'victoria-metrics /health',
      50,
    );
    // A process that lost the port to another test answers /health through the winner, then exits.
    if (proc.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
    if (proc.exitCode !== null) throw new Error(`victoria-metrics exited ${proc.exitCode}: ${stderr}`);
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGINT'); // VM flushes and exits cleanly on SIGINT
    await exited;
  };

  const exportSeries = async (match = '{__name__=~".+"}'): Promise<ExportedSeries[]> => {
    await fetch(`${url}/internal/force_flush`);
    const body = new URLSearchParams({ 'match[]': match, start: '0' });
    const res = await fetch(`${url}/api/v1/export`, { method: 'POST', body });
    if (!res.ok) throw new Error(`export: HTTP ${res.status} ${await res.text()}`);
    return (await res.text())
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as ExportedSeries);
  };

  // The first start takes another port if this one is taken before VM binds it; a restart keeps the port.
  await onFreePort(async (free) => {
    port = free;
    url = `http://127.0.0.1:${port}`;
    await up();
  });
  return {
    url,
    port,
    dataDir: `${dir.path}/data`,
    export: exportSeries,
    count: async (match) => (await exportSeries(match)).reduce((n, s) => n + s.values.length, 0),
    kill,
    restart: up,
    stop: async () => {
      await kill();
      await dir.remove();
    },
  };
}
