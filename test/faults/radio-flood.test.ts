import test from 'ava';
import { readFile } from 'node:fs/promises';
import { encodeBrokerEvent, encodeLine, encodeMessage, formatMac, KIND, record } from '../../src/protocol/index.ts';
import { writeConfig } from '../helpers/gateway-process.ts';
import { frameKey, nodeMac, numberedLine } from '../helpers/numbered-frames.ts';
import { feedPty } from '../helpers/pty-feed.ts';
import { sleep, waitFor } from '../helpers/wait-for.ts';
import { startRig } from './rig.ts';

const SPOOFED = 20_000;
const BAD = 4_000;
const CONFIGURED = 3;
const PER_NODE = 200;
/** Every log line the child may write for this flood: 4 rate-limited kinds x (20 + a summary), the forgotten-node line, start and stop. */
const MAX_LOG_LINES = 150;
/**
 * The child's resident memory may grow by this much over the flood, and never pass the ceiling (through tsx it starts at
 * about 130 MB; measured +28 MB here, and +91 MB for 200,000 MACs fed as fast as it reads, flat from there on).
 */
const MAX_RSS_GROWTH_KB = 64 * 1024;
const MAX_RSS_KB = 256 * 1024;

/** A radio message from a made-up MAC: one in 40 a REPORT (stored, room unknown), the rest a RECEIPT (no points, still a node). */
function spoofedLine(i: number): string {
  const mac = (0xfe0000000000 + i).toString(16);
  const report = i % 40 === 0;
  const payload = encodeMessage({ kind: report ? KIND.REPORT : KIND.RECEIPT, boot: 1, seq: i & 0xffff, records: report ? [record('battery', 3300)] : [] });
  return encodeBrokerEvent({ type: 'rx', mac, rssi: -90, payload: Buffer.from(payload) });
}

const badLines = [
  encodeLine('RX', ['nothex', '-70']), // BAD_FIELD_COUNT
  encodeLine('XX', ['1']), // UNKNOWN_TAG
  encodeLine('RX', ['fe0000000000', '-70', '09000000000000']), // bad radio message: BAD_VERSION
  'garbage from the broker console',
];

async function vmRssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]);
}

test.serial('radio flood: 20,000 spoofed MACs, bad frames and bad messages: a short log, bounded memory, every frame of the configured nodes stored', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'radio-flood');
  const nodes = Object.fromEntries(Array.from({ length: CONFIGURED }, (_, i) => [formatMac(nodeMac(i)), `Room ${i}`]));
  const config = await writeConfig(rig.dir.path, {
    gateway: 'fault-gw',
    dataDir: rig.dataDir,
    serial: { path: rig.pty.gatewayPath, baudRate: 921600 },
    influx: { url: rig.vm.url, org: 'home', bucket: 'sensors', token: 'secret', flushIntervalMs: 100 },
    nodes,
    clock: { requireSync: false },
  });
  const gw = await rig.start(config);
  await sleep(500);
  const pid = gw.child.pid!;
  const rssBefore = await vmRssKb(pid);
  const logsBefore = gw.logs.length;

  const lines: string[] = [];
  const keys: string[] = [];
  let configured = 0;
  for (let i = 0; i < SPOOFED; i++) {
    lines.push(spoofedLine(i));
    if (i % 5 === 0) lines.push(badLines[(i / 5) % badLines.length]);
    if (i % 33 === 0 && configured < CONFIGURED * PER_NODE) {
      const node = configured % CONFIGURED;
      const seq = Math.floor(configured / CONFIGURED);
      lines.push(numberedLine(node, seq));
      keys.push(frameKey(node, seq));
      configured += 1;
    }
  }
  t.is(keys.length, CONFIGURED * PER_NODE);
  const started = Date.now();
  await feedPty(rig.pty.brokerPath, Buffer.from(lines.map((l) => `${l}\r\n`).join('')));
  await rig.waitStored(keys, 20_000, 'every frame of the configured nodes');
  t.log(`${lines.length} lines fed and the configured nodes' ${keys.length} frames stored in ${Date.now() - started} ms`);

  const rssAfter = await vmRssKb(pid);
  const logLines = gw.logs.length - logsBefore;
  t.log(`child RSS ${rssBefore} kB -> ${rssAfter} kB (+${rssAfter - rssBefore} kB); ${logLines} log lines during the flood`);
  t.true(rssAfter - rssBefore <= MAX_RSS_GROWTH_KB, `RSS grew ${rssAfter - rssBefore} kB, over ${MAX_RSS_GROWTH_KB} kB`);
  t.true(rssAfter <= MAX_RSS_KB, `RSS ${rssAfter} kB, over ${MAX_RSS_KB} kB`);
  t.true(logLines <= MAX_LOG_LINES, `${logLines} log lines for the flood, over ${MAX_LOG_LINES}`);
  t.true(gw.logs.filter((l) => l.code === 'UNKNOWN_NODE').length <= 20, 'at most 20 unknown-node warnings a minute');

  t.is(await gw.stop('SIGTERM'), 0);
  // At stop the gateway writes what its rate limits left out, with counts.
  const summary = (what: string) => gw.logs.find((l) => String(l.msg).includes(`more ${what} not logged`));
  t.like(summary('unknown nodes'), { suppressed: SPOOFED - 20 });
  t.like(summary('bad broker frames'), { suppressed: (2 * BAD) / 4 - 20, byCode: { BAD_FIELD_COUNT: BAD / 4 - 10, UNKNOWN_TAG: BAD / 4 - 10 } });
  t.like(summary('bad radio messages'), { suppressed: BAD / 4 - 20, byCode: { BAD_VERSION: BAD / 4 - 20 } });
  t.truthy(summary('broker console lines'));
  t.truthy(gw.logs.find((l) => l.code === 'NODE_FORGOTTEN'), 'forgetting unknown nodes is visible');
  t.like(gw.logs.find((l) => l.msg === 'gateway stopped'), { badFrames: (2 * BAD) / 4, badMessages: BAD / 4, consoleLines: BAD / 4 });
  await waitFor(() => gw.child.exitCode !== null, 1000, 'exited');
});
