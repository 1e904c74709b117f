import test from 'ava';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { spawnGateway } from '../helpers/gateway-process.ts';
import { freePort } from '../helpers/free-port.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

test('the demo runs the whole gateway on a simulated broker: points in files, the screen as a PNG, the page switches an outlet, exit 0', async (t) => {
  const dir = await makeTempDir('demo');
  t.teardown(() => dir.remove());
  const port = await freePort();
  const demo = spawnGateway(['demo', '--duration', '14', '--data-dir', dir.path, '--listen', `127.0.0.1:${port}`]);
  t.teardown(() => demo.stop('SIGKILL').then(() => undefined));

  // A newcomer opens the page and switches the desk lamp (strip channel 2, off at start) with the printed token.
  const tokenLine = await demo.waitForLog((l) => typeof l.text === 'string' && l.text.includes('control token'), 20_000, 'the control token');
  const token = String(tokenLine.text).split(': ').at(-1)!.trim();
  const base = `http://127.0.0.1:${port}`;
  const page = await fetch(`${base}/`);
  t.is(page.status, 200);
  t.regex(await page.text(), /<html/i, 'the page is served');
  const strip = 'a2:b2:c2:d2:e2:a1';
  await waitFor(async () => ((await (await fetch(`${base}/api/nodes/${strip}`)).json()) as { channels?: unknown[] }).channels?.length === 8, 10_000, 'the strip in the read model');
  const put = await fetch(`${base}/api/nodes/${strip}/channels/2/relay`, {
    method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'wait=5' }, body: JSON.stringify({ state: 'on' }),
  });
  const command = await put.json() as { status: string };
  t.is(put.status, 200, JSON.stringify(command));
  t.is(command.status, 'ok', 'confirmed by the simulated node');
  const channel = await (await fetch(`${base}/api/nodes/${strip}/channels/2`)).json() as { relay?: boolean };
  t.is(channel.relay, true, 'the confirmed state');
  t.is(await demo.exited, 0, demo.stderr());

  const files = await readdir(join(dir.path, 'lines'));
  const lines = (await Promise.all(files.map((f) => readFile(join(dir.path, 'lines', f), 'utf8')))).join('').trim().split('\n');
  const nodes = new Set(lines.filter((l) => l.startsWith('environment,')).map((l) => /node=([^ ,]+)/.exec(l)?.[1]));
  t.is(nodes.size, 6, 'all six simulated nodes reported');
  t.true(lines.some((l) => l.startsWith('broker,')), 'heartbeats stored');
  const outlets = lines.filter((l) => l.startsWith('power,') && l.includes('node=a2:b2:c2:d2:e2:a1'));
  t.is(new Set(outlets.map((l) => /channel=(\d+)/.exec(l)?.[1])).size, 8, 'the power strip reported its 8 outlets');
  t.true(outlets.some((l) => /relay=true/.test(l) && /power=[1-9]/.test(l)), 'outlets that are on draw power');
  t.true(lines.some((l) => /room=unknown/.test(l)), 'the node missing from the config is stored as unknown');
  t.true(lines.some((l) => l.startsWith('command,') && l.includes('status="ok"')), 'the command is stored, one point per status');
  for (const line of lines.filter((l) => !l.startsWith('command,'))) t.regex(line, /^[a-z]+(,[a-z]+=(?:\\ |[^ ])+)+ [a-z_]+=[^ ]+ \d{16}$/, 'line protocol with a µs timestamp');

  const png = await sharp(join(dir.path, 'screen.png')).metadata();
  t.deepEqual([png.width, png.height], [250, 122], 'the 2.13" panel picture, landscape');
  const log = await readFile(join(dir.path, 'gateway.log'), 'utf8');
  const yamlLines = log.trim().split('\n').map((l) => (JSON.parse(l) as { yaml?: string }).yaml);
  t.true(yamlLines.includes('  "a2:b2:c2:d2:e2:f6": <room name>'), 'the unknown node is logged with the line to add');
  t.regex(log, /broker console/, 'console noise is logged as broker console text');
});
