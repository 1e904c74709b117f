/**
 * `node --import tsx bench/module-rss.ts [flags for the child node...]`: where
 * the service's resident memory goes at load. For each module (a dependency
 * or a part of the built gateway in dist/, `npm run build` first), a fresh
 * `node` imports it alone and reports VmRSS after a full GC; printed as the
 * difference from a bare `node` (median of 3 runs each), then the parts
 * loaded together in the order the gateway loads them, cumulatively. Extra
 * arguments are passed to every child `node` (e.g. `--max-semi-space-size=1`).
 */
import { execFileSync } from 'node:child_process';
import { REPO } from '../test/helpers/gateway-process.ts';

const flags = process.argv.slice(2);
/** Modules measured one by one: the control side's libraries, then the gateway's parts. */
const ALONE = [
  'fastify', '@fastify/swagger', '@fastify/rate-limit', 'mqtt', 'prom-client', 'protobufjs',
  'pino', 'zod', 'serialport', 'yaml', '@influxdata/influxdb-client', 'node-cron', 'opentype.js',
  './dist/src/cli.js', './dist/src/main.js', './dist/src/control/http/index.js', './dist/src/control/metrics/index.js', './dist/src/control/mqtt/index.js', './dist/src/control/udp-meters/index.js',
];
/** The gateway with every part on, as its modules load. */
const TOGETHER = ['./dist/src/cli.js', './dist/src/main.js', './dist/src/control/udp-meters/index.js', './dist/src/control/metrics/index.js', './dist/src/control/http/index.js', './dist/src/history/index.js', './dist/src/control/mqtt/index.js'];

/** VmRSS in kB of a fresh node after importing `specs` in order and two full GCs. */
function rssAfter(specs: string[]): number {
  const code = `for (const s of ${JSON.stringify(specs)}) await import(s); gc(); gc(); await new Promise((r) => setTimeout(r, 200)); gc();`
    + 'process.stdout.write(/VmRSS:\\s+(\\d+)/.exec(require("fs").readFileSync("/proc/self/status", "utf8"))[1]);';
  const out = execFileSync(process.execPath, ['--expose-gc', ...flags, '--input-type=commonjs', '-e', `(async () => { ${code} })()`], { cwd: REPO, encoding: 'utf8' });
  return Number(out);
}

const median3 = (specs: string[]): number => [rssAfter(specs), rssAfter(specs), rssAfter(specs)].sort((a, b) => a - b)[1];
const mb = (kb: number): string => (kb / 1024).toFixed(1).padStart(6);

const bare = median3([]);
process.stdout.write(`node ${process.version} ${flags.join(' ')}: bare node ${mb(bare)} MB RSS\n\nalone (RSS above bare node, MB):\n`);
for (const spec of ALONE) process.stdout.write(`  ${mb(median3([spec]) - bare)}  ${spec}\n`);
process.stdout.write('\ntogether, cumulative (RSS, MB):\n');
for (let i = 1; i <= TOGETHER.length; i++) process.stdout.write(`  ${mb(median3(TOGETHER.slice(0, i)))}  + ${TOGETHER[i - 1]}\n`);
