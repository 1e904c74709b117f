/**
 * `node --import tsx bench/hot-path.ts [frames] [rounds]`: the gateway's CPU
 * cost per frame in one process, without the pty, the HTTP side or other
 * processes competing: simulated RX lines in 4 KiB chunks through the line
 * splitter, the pipeline (decode, registry, points), line protocol and the
 * spool (a temp dir, real writes and fsyncs). Prints frames per CPU-second,
 * best of `rounds`; for comparing one change at a time on a busy machine,
 * where `npm run bench` varies by +-15 %.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pipeline } from '../src/gateway/pipeline.ts';
import { silentLogger } from '../src/log.ts';
import { NodeRegistry } from '../src/nodes/registry.ts';
import { LINE_RECORDS } from '../src/points/line-bytes.ts';
import { Stamper } from '../src/readings/stamper.ts';
import { LineSplitter } from '../src/serial/line-splitter.ts';
import { Spool } from '../src/spool/spool.ts';
import { simulatedLines } from './decode.ts';

const frames = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);
const { lines } = simulatedLines(frames, 100, 7);
const bytes = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
const CHUNK = 4095;

let best = 0;
for (let r = 0; r < rounds; r++) {
  const dir = mkdtempSync(join(tmpdir(), 'hot-path-'));
  const spool = new Spool({ dir: join(dir, 'spool'), log: silentLogger });
  await spool.open();
  const stamper = new Stamper();
  let points = 0;
  const pipeline = new Pipeline({
    gateway: 'bench', registry: new NodeRegistry({ rooms: new Map(), log: silentLogger }), now: Date.now, log: silentLogger,
    submit: (pending) => {
      const made = pending(stamper.next(Date.now()));
      points += made.length;
      spool.append(made, LINE_RECORDS);
    },
  });
  const splitter = new LineSplitter({ onLine: (line) => pipeline.handleLine(line) });
  const started = process.cpuUsage();
  for (let at = 0; at < bytes.length; at += CHUNK) {
    splitter.push(bytes.subarray(at, at + CHUNK));
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (let batch = await spool.read(5000); batch; batch = await spool.read(5000)) await spool.ack(batch);
  const used = process.cpuUsage(started);
  await spool.close();
  rmSync(dir, { recursive: true, force: true });
  if (pipeline.counters.messages !== frames || points === 0) throw new Error(`only ${pipeline.counters.messages} of ${frames} frames accepted`);
  best = Math.max(best, frames / ((used.user + used.system) / 1e6));
}
process.stdout.write(`hot path (split, decode, points, line protocol, spool append + read): ${Math.round(best).toLocaleString('en-US')} frames/CPU-s, best of ${rounds}\n`);
