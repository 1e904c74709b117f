import test from 'ava';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { encodeBrokerEvent, encodeMessage, KIND } from '../../src/protocol/index.ts';
import { spawnGateway, writeConfig } from '../helpers/gateway-process.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const MAC = 'a2b2c2d2e2f2';
const report = (seq: number): string =>
  encodeBrokerEvent({ type: 'rx', mac: MAC, rssi: -50, payload: encodeMessage({ kind: KIND.REPORT, boot: 1, seq, records: [{ type: 0x01, raw: 2000 + seq }] }) });

async function linesIn(dir: string): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  return texts.join('').split('\n').filter((l) => l.startsWith('environment'));
}

test('SIGHUP re-reads the node names, names the changed keys that need a restart; an invalid config on reload is reported and the old names kept', async (t) => {
  const dir = await makeTempDir('reload');
  const pty = await startPtyPair();
  t.teardown(async () => { await pty.stop(); await dir.remove(); });
  const base = {
    gateway: 'gw', dataDir: join(dir.path, 'data'), serial: { path: pty.gatewayPath },
    spool: { fsyncIntervalMs: 50 }, nodes: { [MAC]: 'Kitchen' }, clock: { requireSync: false },
  };
  const config = await writeConfig(dir.path, base);
  const lines = join(dir.path, 'data', 'lines');
  const gw = spawnGateway(['run', '--config', config]);
  t.teardown(() => gw.stop('SIGKILL').then(() => undefined));
  await gw.waitForLog((l) => l.msg === 'gateway started', 15_000);
  await waitFor(() => gw.logs.some((l) => /open/.test(String(l.msg)) && l.stage === 'serial'), 10_000, 'serial open');

  await pty.write(`${report(1)}\n`);
  await waitFor(async () => (await linesIn(lines)).length === 1, 10_000, 'first point');

  await writeFile(config, stringify({ ...base, nodes: { [MAC]: 'Pantry' } }));
  gw.child.kill('SIGHUP');
  await gw.waitForLog((l) => l.msg === 'node names reloaded', 10_000);
  await pty.write(`${report(2)}\n`);
  await waitFor(async () => (await linesIn(lines)).length === 2, 10_000, 'second point');

  // SIGHUP with changes to keys other than node names: the names apply, the rest is named as needing a restart.
  await writeFile(config, stringify({ ...base, gateway: 'gw2', serial: { path: pty.gatewayPath, baudRate: 230400 }, nodes: { [MAC]: 'Hall' } }));
  gw.child.kill('SIGHUP');
  const restart = await gw.waitForLog((l) => String(l.msg).includes('need a restart'), 10_000);
  t.is(restart.msg, 'reload: gateway, serial.baudRate need a restart; node names reloaded');
  t.deepEqual(restart.restart, ['gateway', 'serial.baudRate']);
  await pty.write(`${report(3)}\n`);
  await waitFor(async () => (await linesIn(lines)).length === 3, 10_000, 'point after the partial reload');

  await writeFile(config, 'nodes: [this is: not valid\n');
  gw.child.kill('SIGHUP');
  const problem = await gw.waitForLog((l) => String(l.msg).startsWith('reload:') && l.problems !== undefined, 10_000);
  t.regex(JSON.stringify(problem.problems), /gateway\.yaml/);
  await pty.write(`${report(4)}\n`);
  await waitFor(async () => (await linesIn(lines)).length === 4, 10_000, 'fourth point');

  const rooms = (await linesIn(lines)).map((l) => /room=([^ ,]+)/.exec(l)?.[1]);
  t.deepEqual(rooms, ['Kitchen', 'Pantry', 'Hall', 'Hall']);
  t.deepEqual((await linesIn(lines)).map((l) => /gateway=([^ ,]+)/.exec(l)?.[1]), ['gw', 'gw', 'gw', 'gw'], 'the gateway tag waits for a restart');
  t.is(await gw.stop('SIGTERM'), 0);
});
