/**
 * `node --import tsx bench/flood-cli.ts [rounds] [perRound] [spoofed|noise] [linesPerS]`:
 * the real CLI (`espnow-gateway run` as its own process) on a real pty, with
 * VictoriaMetrics as InfluxDB, fed `rounds` rounds of `perRound` lines each.
 * `spoofed` (default): RX frames from made-up MACs, never the same twice, with
 * bad frames, bad radio messages and console text mixed in; `noise`: the same
 * number of console lines only, to tell what the MACs cost from what reading
 * lines at full speed costs. With `linesPerS` the lines are written at that
 * rate (a real broker at 921600 baud delivers at most about 1,300 RX lines/s)
 * instead of as fast as the gateway reads. Prints the child's VmRSS and log
 * lines after each round and after 5 s of quiet.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeBrokerEvent, encodeLine, encodeMessage, KIND, record } from '../src/protocol/index.ts';
import { spawnGateway, writeConfig } from '../test/helpers/gateway-process.ts';
import { feedPty } from '../test/helpers/pty-feed.ts';
import { startPtyPair } from '../test/helpers/pty-pair.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';
import { startVictoria } from '../test/helpers/victoria.ts';
import { sleep } from '../test/helpers/wait-for.ts';

const rounds = Number(process.argv[2] ?? 4);
const perRound = Number(process.argv[3] ?? 100_000);
const mode = process.argv[4] ?? 'spoofed';
const linesPerS = Number(process.argv[5] ?? 0);

const bad = [encodeLine('RX', ['nothex', '-70']), encodeLine('XX', ['1']), encodeLine('RX', ['fe0000000000', '-70', '09000000000000'])];
function line(i: number): string {
  if (mode === 'noise') return `broker console text number ${i}`;
  if (i % 5 === 4) return i % 25 === 4 ? `broker console text number ${i}` : bad[i % 3];
  const payload = encodeMessage({ kind: i % 40 === 0 ? KIND.REPORT : KIND.RECEIPT, boot: 1, seq: i & 0xffff, records: i % 40 === 0 ? [record('battery', 3300)] : [] });
  return encodeBrokerEvent({ type: 'rx', mac: (0xfe0000000000 + i).toString(16), rssi: -90, payload: Buffer.from(payload) });
}

const rssKb = async (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]);

const dir = await makeTempDir('flood-cli');
const pty = await startPtyPair();
const vm = await startVictoria();
const config = await writeConfig(dir.path, {
  gateway: 'flood', dataDir: join(dir.path, 'data'), serial: { path: pty.gatewayPath, baudRate: 921600 },
  influx: { url: vm.url, org: 'home', bucket: 'sensors', token: 'secret', flushIntervalMs: 100 }, clock: { requireSync: false },
});
const gw = spawnGateway(['run', '--config', config]);
try {
  await gw.waitForLog((l) => String(l.msg).startsWith('broker serial port'), 20_000, 'serial port open');
  await sleep(1000);
  const pid = gw.child.pid!;
  process.stdout.write(`${mode}: start RSS ${await rssKb(pid)} kB, ${gw.logs.length} log lines\n`);
  for (let r = 0; r < rounds; r++) {
    const started = Date.now();
    const text = Array.from({ length: perRound }, (_, k) => `${line(r * perRound + k)}\r\n`).join('');
    if (linesPerS > 0) {
      const lines = text.split(/(?<=\n)/);
      const perTick = Math.max(1, Math.round(linesPerS / 20));
      for (let at = 0; at < lines.length; at += perTick) {
        await pty.write(lines.slice(at, at + perTick).join(''));
        await sleep(Math.max(0, started + ((at + perTick) / linesPerS) * 1000 - Date.now()));
      }
    } else {
      await feedPty(pty.brokerPath, Buffer.from(text));
    }
    process.stdout.write(`after ${((r + 1) * perRound).toLocaleString('en-US')} lines (${Date.now() - started} ms): RSS ${await rssKb(pid)} kB, ${gw.logs.length} log lines\n`);
  }
  await sleep(5000);
  process.stdout.write(`after 5 s quiet: RSS ${await rssKb(pid)} kB\n`);
} finally {
  await gw.stop('SIGTERM');
  await pty.stop();
  await vm.stop();
  await dir.remove();
}
