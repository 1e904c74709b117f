import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnGateway, writeConfig, type GatewayProcess } from '../helpers/gateway-process.ts';
import { keyOfLine, numberedBatch } from '../helpers/numbered-frames.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { mountTmpfs } from '../helpers/tmpfs.ts';
import { sleep, waitFor } from '../helpers/wait-for.ts';

/** Every line of the day files under `dir`, and the lines that are not whole line protocol. */
function dayLines(dir: string): { keys: string[]; torn: string[] } {
  const keys: string[] = [];
  const torn: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.lp'))) {
    const text = readFileSync(join(dir, name), 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) torn.push(`${name}: no newline at the end`);
    for (const line of text.split('\n').filter(Boolean)) {
      if (!/^[a-z]+,\S+ \S+ \d{16}$/.test(line)) torn.push(line);
      const key = keyOfLine(line);
      if (key) keys.push(key);
    }
  }
  return { keys, torn };
}

test.serial('file sink on a full disk (real tmpfs, no influx section): every frame\'s line ends up in the day file exactly once, no torn line', async (t) => {
  t.timeout(60_000);
  const tmp = await makeTempDir('filefull');
  const fs = await mountTmpfs(2 * 1024 * 1024);
  const pty = await startPtyPair();
  let gw: GatewayProcess | undefined;
  t.teardown(async () => {
    await gw?.stop('SIGKILL');
    await pty.stop();
    await fs.remove();
    await tmp.remove();
  });
  const dataDir = join(fs.path, 'data');
  const config = await writeConfig(tmp.path, {
    gateway: 'fault-gw',
    dataDir,
    serial: { path: pty.gatewayPath, baudRate: 921600 },
    spool: { fsyncIntervalMs: 100 },
    clock: { requireSync: false },
  });
  gw = spawnGateway(['run', '--config', config]);
  await gw.waitForLog((l) => String(l.msg).startsWith('broker serial port'), 20_000, 'serial port open');
  const linesDir = join(dataDir, 'lines');
  fs.fill(32 * 1024); // room for a few hundred lines of the 12,000: the first write comes back short

  const frames = numberedBatch(6, 0, 6000);
  const text = frames.text.split(/(?<=\n)/);
  for (let i = 0; i < text.length; i += 200) {
    await pty.write(text.slice(i, i + 200).join(''));
    await sleep(10);
  }
  const error = await gw.waitForLog((l) => String(l.msg).startsWith('cannot write points'), 10_000, 'the full-disk error');
  t.is(error.level, 50);
  await sleep(500); // more ticks on the full disk
  const during = dayLines(linesDir);
  t.deepEqual(during.torn, [], 'no torn line while the disk is full');
  t.true(during.keys.length < frames.keys.length, 'the disk really was full');
  t.is(gw.logs.filter((l) => String(l.msg).startsWith('cannot write points')).length, 1, 'logged once per episode');

  fs.unfill();
  await gw.waitForLog((l) => l.msg === 'line-protocol file writable again', 10_000, 'recovery');
  const after = await waitFor(() => {
    const d = dayLines(linesDir);
    return d.keys.length >= frames.keys.length ? d : undefined;
  }, 10_000, 'every frame in the day file');
  t.deepEqual(after.torn, [], 'no torn line');
  const counts = new Map<string, number>();
  for (const k of after.keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  t.deepEqual(frames.keys.filter((k) => counts.get(k) !== 1), [], 'every frame exactly once');
  t.is(counts.size, frames.keys.length);
  t.is(await gw.stop('SIGTERM'), 0);
});
