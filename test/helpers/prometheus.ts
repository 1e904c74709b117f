import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onFreePort } from './free-port.ts';
import { makeTempDir } from './temp-dir.ts';
import { waitFor } from './wait-for.ts';

/** One target Prometheus scrapes. */
export interface ScrapeTarget {
  /** Job name (label `job`). */
  job: string;
  /** `127.0.0.1:<port>`. */
  target: string;
  /** Default `/metrics`. */
  path?: string;
  /** Sent as `Authorization: Bearer <token>` (Prometheus' `authorization.credentials`). */
  bearer?: string;
}

/** One series of an instant query's vector result. */
export interface QuerySample {
  metric: Record<string, string>;
  value: number;
}

/** A running Prometheus, see {@link startPrometheus}. */
export interface Prometheus {
  url: string;
  /** Instant query (`/api/v1/query`); the vector's samples. Throws on an error answer or a non-vector result. */
  query(promql: string): Promise<QuerySample[]>;
  /** Waits until every job has been scraped successfully (`up == 1`) at least once after this call. */
  waitForScrape(timeoutMs?: number): Promise<void>;
  /** The last scrape's error of each target (`/api/v1/targets`), '' when fine. */
  targetErrors(): Promise<Record<string, string>>;
  /** Stops it and deletes its data. */
  stop(): Promise<void>;
}

const yamlString = (s: string): string => JSON.stringify(s);

/**
 * Starts Debian's `/usr/bin/prometheus` on 127.0.0.1 on a free port with a
 * scrape interval of 1 s (timeout 1 s) against `targets`, storage in a temp
 * dir, and waits for `/-/ready`. Prometheus 2.x as packaged in bookworm.
 */
export async function startPrometheus(targets: readonly ScrapeTarget[]): Promise<Prometheus> {
  return onFreePort((port) => startPrometheusOn(port, targets));
}

async function startPrometheusOn(port: number, targets: readonly ScrapeTarget[]): Promise<Prometheus> {
  const dir = await makeTempDir('prometheus');
  const url = `http://127.0.0.1:${port}`;
  const jobs = targets.map((t) => [
    `  - job_name: ${yamlString(t.job)}`,
    `    metrics_path: ${yamlString(t.path ?? '/metrics')}`,
    ...(t.bearer ? ['    authorization:', '      type: Bearer', `      credentials: ${yamlString(t.bearer)}`] : []),
    `    static_configs:`,
    `      - targets: [${yamlString(t.target)}]`,
  ].join('\n'));
  const configFile = join(dir.path, 'prometheus.yml');
  await writeFile(configFile, ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', ...jobs, ''].join('\n'));
  const child: ChildProcess = spawn('prometheus', [
    `--config.file=${configFile}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await dir.remove();
  };

  const query = async (promql: string): Promise<QuerySample[]> => {
    const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
    const body = await res.json() as { status: string; error?: string; data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success' || body.data?.resultType !== 'vector') throw new Error(`query ${promql}: ${body.error ?? JSON.stringify(body)}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };

  const targetErrors = async (): Promise<Record<string, string>> => {
    const body = await (await fetch(`${url}/api/v1/targets`)).json() as { data: { activeTargets: Array<{ labels: Record<string, string>; lastError: string }> } };
    return Object.fromEntries(body.data.activeTargets.map((t) => [t.labels.job, t.lastError]));
  };

  try {
    await waitFor(async () => child.exitCode !== null || (await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)), 20000, 'prometheus /-/ready', 50);
    // A process that lost the port to another test sees the winner answer, then exits.
    if (child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
    if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${stderr}`);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    query,
    targetErrors,
    async waitForScrape(timeoutMs = 15000) {
      const since = Date.now() / 1000;
      const scraped = async (): Promise<boolean> => {
        const fresh = await query(`up == 1 and timestamp(up) > ${since}`);
        return targets.every((t) => fresh.some((s) => s.metric.job === t.job));
      };
      try {
        await waitFor(scraped, timeoutMs, `prometheus scraping ${targets.map((t) => t.job).join(', ')}`, 100);
      } catch (error) {
        throw new Error(`${(error as Error).message}; last scrape errors: ${JSON.stringify(await targetErrors())}`);
      }
    },
    stop,
  };
}
