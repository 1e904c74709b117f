import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { logLine, startControlGateway, type ControlGateway, type Parts } from '../control-gateway.ts';
import { REPO } from '../../test/helpers/gateway-process.ts';
import type { PtyPair } from '../../test/helpers/pty-pair.ts';

/** The CLI as it ships, built afresh as bench/run.ts builds it (`npm run build`: tsc into dist/); compiler output goes to stderr. */
export function buildGateway(): string {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error('npm run build failed');
  return join(REPO, 'bin', 'espnow-gateway.js');
}

/**
 * The gateway as bench/run.ts starts it for its throughput run: the real CLI
 * in its own process with `GATEWAY_NODE_FLAGS` and `GATEWAY_ENV`, config
 * `<dir>/<name>.yaml` (serial at 921600 baud, influx at `influxUrl`, the
 * default batch and flush interval, clock sync not required) and the
 * `parts` asked for (none: the pipeline only). Resolves once it has the
 * serial port open.
 */
export async function startGateway(bin: string, dir: string, pty: PtyPair, influxUrl: string, name = 'gateway', parts: Parts = {}): Promise<ControlGateway> {
  const gw = await startControlGateway(bin, dir, name, pty, influxUrl, parts);
  try {
    await logLine(gw, 'broker serial port open');
  } catch (err) {
    await gw.stop();
    throw err;
  }
  return gw;
}
