/**
 * The replay row of `npm run bench`: a backlog of spooled points (what a long
 * InfluxDB outage leaves behind) sent by a gateway that starts on it. The
 * backlog is written with the gateway's own Spool (the same segment files a
 * gateway writing through an outage makes), then the real CLI starts on that
 * dataDir with every part on, the page's event stream open, and InfluxDB
 * reachable (VictoriaMetrics behind the recording proxy). Measured: the peak
 * RSS of the gateway while it drains, how long the drain takes, and its CPU.
 */
import { join } from 'node:path';
import { Spool } from '../src/spool/spool.ts';
import { silentLogger } from '../src/log.ts';
import type { PtyPair } from '../test/helpers/pty-pair.ts';
import { waitFor } from '../test/helpers/wait-for.ts';
import type { AckProxy } from './ack-proxy.ts';
import { startControlGateway, logLine } from './control-gateway.ts';
import { procStats } from './proc-stats.ts';
import { openSseClient } from './sse-clients.ts';

const MB = 1024 * 1024;
/** Lines per spool append, as a busy gateway's fsync tick would stage them. */
const APPEND = 1000;

/** Lines `from`..`from + count` of a backlog from 100 nodes, two lines 0.1 s apart, all in the past: realistic size (~140 B), distinct points. */
function backlogLines(count: number, from: number): string[] {
  const nowUs = Date.now() * 1000;
  const lines: string[] = [];
  for (let i = from; i < from + count; i++) {
    const node = i % 100;
    const t = nowUs - Math.floor((2_000_000 - i) / 2) * 100_000;
    const mac = `24:6f:28:00:00:${node.toString(16).padStart(2, '0')}`;
    lines.push(i % 2 === 0
      ? `environment,gateway=bench,node=${mac},room=room-${node} temperature=${(20 + (i % 50) / 10).toFixed(2)},humidity=${(40 + (i % 30) / 10).toFixed(2)},pressure=1013.${i % 10},light=${i % 500} ${t}`
      : `node,gateway=bench,node=${mac},room=room-${node} battery=3.${i % 10}1,rssi=-6${i % 10}i,seq=${i}i,awake=${i % 900}i ${t}`);
  }
  return lines;
}

/** Writes `points` lines into `<dataDir>/spool` the way the gateway's spool does. */
async function writeBacklog(dataDir: string, points: number): Promise<void> {
  const spool = new Spool({ dir: join(dataDir, 'spool'), maxBytes: 1024 * MB, log: silentLogger });
  await spool.open();
  for (let i = 0; i < points; i += APPEND) {
    spool.append(backlogLines(Math.min(APPEND, points - i), i));
    if (i % 50_000 === 0) await spool.read(1); // lets the spool write out what it staged
  }
  await spool.close();
}

/** Adds the replay rows: `points` spooled points drained by a gateway with every part but MQTT on. */
export async function replayRows(
  bin: string, dir: string, pty: PtyPair, proxy: AckProxy, points: number,
  add: (stage: string, value: number, unit: string, digits?: number, target?: string) => void,
): Promise<void> {
  const name = 'replay';
  process.stderr.write(`bench: replay: spooling ${points.toLocaleString('en-US')} points\n`);
  await writeBacklog(join(dir, name), points);
  const before = proxy.lines();
  const gw = await startControlGateway(bin, dir, name, pty, proxy.url, { api: true, metrics: true, udpMeters: true });
  try {
    await logLine(gw, 'gateway started', 60_000);
    const page = await openSseClient(gw.url!, new Map());
    let highest = 0;
    const sampler = setInterval(() => { highest = Math.max(highest, procStats(gw.child.pid!).rss); }, 250);
    await waitFor(() => proxy.lines() - before >= points, 600_000, 'the backlog acknowledged', 100);
    clearInterval(sampler);
    const seconds = (Date.now() - gw.spawnedAtMs) / 1000;
    const s = procStats(gw.child.pid!);
    page.close();
    add(`replay: ${points.toLocaleString('en-US')} spooled points after an outage, every part on but MQTT, event stream open: drain incl. start-up`, points / seconds, 'points/s');
    add('  same: gateway CPU per point, incl. start-up', (s.cpuS / points) * 1e6, 'µs/point', 2);
    add('  same: VmHWM (whole run incl. start-up)', s.peakRss / MB, 'MB', 1, '<= 100 (issue 13)');
    add('  same: VmRSS highest 250 ms sample while draining', highest / MB, 'MB', 1, '<= 100 (issue 13)');
  } finally {
    await gw.stop();
  }
}
