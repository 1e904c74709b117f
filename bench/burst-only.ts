/**
 * `node --import tsx bench/burst-only.ts [runs] [--pipeline] [--no-page]`:
 * the 200,000-frame burst of the control side's RSS row (d) alone, `runs`
 * times (default 3), for measuring one change at a time (`npm run build`
 * first; alternate builds between runs, the machine's noise is +-15 %).
 * Each run is a fresh gateway, every part on (API with the page's event
 * stream open, MQTT with a subscriber to `#` on a real mosquitto, metrics
 * scraped every 5 s, UDP meters) unless `--pipeline`; `--no-page` leaves
 * the event stream closed. Prints per run: frames per CPU-second, VmHWM,
 * and where the resident memory was at its highest sample
 * (`/proc/<pid>/smaps`, every 150 ms): node's own file pages, the main
 * malloc heap, V8's 256 KiB pages, other anonymous memory.
 * `GATEWAY_NODE_FLAGS` and `GATEWAY_MALLOC_*` work as in the full bench.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { REPO } from '../test/helpers/gateway-process.ts';
import { startMosquitto } from '../test/helpers/mosquitto.ts';
import { feedPty } from '../test/helpers/pty-feed.ts';
import { startPtyPair } from '../test/helpers/pty-pair.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';
import { startVictoria } from '../test/helpers/victoria.ts';
import { sleep, waitFor } from '../test/helpers/wait-for.ts';
import { startAckProxy } from './ack-proxy.ts';
import { startUp, type ControlRig } from './control-api.ts';
import { call } from './control-gateway.ts';
import { simulatedLines } from './decode.ts';
import { procStats } from './proc-stats.ts';
import { openSseClient } from './sse-clients.ts';

const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3);
const pipelineOnly = process.argv.includes('--pipeline');
const noPage = process.argv.includes('--no-page');

/** Resident MB by kind of mapping, from `/proc/<pid>/smaps`. */
function residentByKind(pid: number): Record<string, number> {
  const out: Record<string, number> = { total: 0, 'node binary': 0, 'malloc heap': 0, 'V8 pages': 0, 'other anonymous': 0, 'libraries and the rest': 0 };
  let kind = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const name = head[3];
      const kib = (parseInt(head[2], 16) - parseInt(head[1], 16)) / 1024;
      kind = name === '/usr/bin/node' || name === process.execPath ? 'node binary' : name === '[heap]' ? 'malloc heap'
        : name === '' ? (kib === 256 ? 'V8 pages' : 'other anonymous') : 'libraries and the rest';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) {
      out[kind] += Number(rss[1]) / 1024;
      out.total += Number(rss[1]) / 1024;
    }
  }
  return out;
}

const dir = await makeTempDir('burst-only');
const pty = await startPtyPair();
const vm = await startVictoria();
const proxy = await startAckProxy(vm.url);
const mosquitto = await startMosquitto();
const subscriber = connect(mosquitto.url, { clientId: 'burst-only-subscriber' });
let messages = 0;
subscriber.on('message', () => { messages += 1; });
try {
  await new Promise<void>((resolve) => subscriber.once('connect', () => resolve()));
  await subscriber.subscribeAsync('#');
  const rig: ControlRig = { bin: join(REPO, 'bin', 'espnow-gateway.js'), dir: dir.path, pty, influxUrl: proxy.url, add: () => undefined, quick: true };
  const { lines, points } = simulatedLines(200_000, 100, 11);
  const bytes = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
  for (let run = 0; run < runs; run++) {
    const parts = pipelineOnly ? {} : { api: true, metrics: true, mqttUrl: mosquitto.url, udpMeters: true };
    const { gw } = await startUp(rig, `burst-${run}`, parts);
    try {
      const pid = gw.child.pid!;
      const page = gw.url && !noPage ? await openSseClient(gw.url, new Map()) : undefined;
      await sleep(1000);
      const idle = residentByKind(pid);
      let peak = idle;
      const sampler = setInterval(() => {
        const now = residentByKind(pid);
        if (now.total > peak.total) peak = now;
      }, 150);
      const scrape = gw.url ? setInterval(() => void call(`${gw.url}/metrics`).catch(() => undefined), 5000) : undefined;
      const before = proxy.lines();
      const cpuBefore = procStats(pid).cpuS;
      const messagesBefore = messages;
      await feedPty(pty.brokerPath, bytes);
      await waitFor(() => proxy.lines() - before >= points, 300_000, 'burst points acknowledged', 100);
      clearInterval(sampler);
      clearInterval(scrape);
      const s = procStats(pid);
      const mb = (r: Record<string, number>): string => Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
      process.stdout.write(`run ${run + 1}: ${Math.round(200_000 / (s.cpuS - cpuBefore)).toLocaleString('en-US')} frames/CPU-s, VmHWM ${(s.peakRss / 1048576).toFixed(1)} MB`
        + `, MQTT messages ${messages - messagesBefore}, page's reading events ${page ? page.readings : '-'}\n  idle MB: ${mb(idle)}\n  peak MB: ${mb(peak)}\n`);
      page?.close();
    } finally {
      await gw.stop();
    }
  }
} finally {
  subscriber.end(true);
  await mosquitto.stop();
  await proxy.stop();
  await vm.stop();
  await pty.stop();
  await dir.remove();
}
