import type { InfluxConfig } from '../config/index.ts';
import { fail, messageOf, pass, type CheckResult } from './check-result.ts';

/** The `fetch` of Node 20 (tests pass the global one against a local server). */
export type Fetch = typeof fetch;

const REACH = 'InfluxDB reachable';
const WRITE = 'InfluxDB token valid, org and bucket exist';

const body = async (res: Response): Promise<string> => {
  const text = await res.text().catch(() => '');
  try {
    const json = JSON.parse(text) as { message?: string };
    return json.message ?? text;
  } catch {
    return text.trim().slice(0, 200);
  }
};

/** `GET /health` (InfluxDB 2), else `GET /ping`: the server answers at all. */
export async function checkInfluxReachable(influx: InfluxConfig, fetchFn: Fetch): Promise<CheckResult> {
  const base = influx.url.replace(/\/+$/, '');
  const signal = AbortSignal.timeout(influx.timeoutMs);
  try {
    let res = await fetchFn(`${base}/health`, { signal });
    if (res.status === 404) res = await fetchFn(`${base}/ping`, { signal });
    if (res.status >= 500) return fail(REACH, `${base}: HTTP ${res.status} ${await body(res)}`, 'InfluxDB is unhealthy: `sudo journalctl -u influxdb -n 50` on its host');
    const text = await body(res);
    const version = /"version"\s*:\s*"([^"]+)"/.exec(text)?.[1] ?? res.headers.get('x-influxdb-version');
    return pass(REACH, `${base}: HTTP ${res.status}${version ? `, version ${version}` : ''}`);
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return fail(REACH, `${base}: ${messageOf(err)}${cause}`,
      'check influx.url (scheme, host, port 8086), that influxd runs (systemctl status influxdb) and that the Pi reaches it (curl -sS URL/health)');
  }
}

/**
 * Writes an empty batch to `/api/v2/write`: the server checks the token, the
 * org and the bucket, and stores nothing. This is the gateway's own request,
 * so it also passes with a write-only token, which cannot list buckets.
 */
export async function checkInfluxWrite(influx: InfluxConfig, fetchFn: Fetch): Promise<CheckResult> {
  const base = influx.url.replace(/\/+$/, '');
  const query = new URLSearchParams({ org: influx.org, bucket: influx.bucket, precision: 'us' });
  const where = `org "${influx.org}", bucket "${influx.bucket}"`;
  let res: Response;
  try {
    res = await fetchFn(`${base}/api/v2/write?${query}`, {
      method: 'POST',
      headers: { Authorization: `Token ${influx.token}`, 'Content-Type': 'text/plain; charset=utf-8' },
      body: '',
      signal: AbortSignal.timeout(influx.timeoutMs),
    });
  } catch (err) {
    return fail(WRITE, `${base}: ${messageOf(err)}`, 'see the reachability check above');
  }
  const message = await body(res);
  if (res.status === 204 || res.status === 200) return pass(WRITE, `${where}: the token may write`);
  if (res.status === 401) {
    return fail(WRITE, `${where}: HTTP 401 ${message}: the token is not valid`,
      `create a write token: influx auth create --org ${influx.org} --write-bucket <bucket id> --description espnow-gateway; put it in the token file (docs/install-pi.md)`);
  }
  if (res.status === 403) {
    return fail(WRITE, `${where}: HTTP 403 ${message}: the token may not write to this bucket`,
      `give the token write access to ${influx.bucket}, or create one: influx auth create --org ${influx.org} --write-bucket <bucket id>`);
  }
  if (res.status === 404) {
    const orgMissing = /organi[sz]ation/i.test(message);
    return fail(WRITE, `${where}: HTTP 404 ${message}`, orgMissing
      ? `influx.org names no organisation: \`influx org list\` shows them; fix influx.org`
      : `create the bucket: influx bucket create --name ${influx.bucket} --org ${influx.org} --retention 0, or fix influx.bucket`);
  }
  return fail(WRITE, `${where}: HTTP ${res.status} ${message}`, 'see the InfluxDB server log');
}
