import test from 'ava';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Page } from 'puppeteer-core';
import { TokenFile } from '../../src/control/http/token-file.ts';
import { CAPABILITY_BITS } from '../../src/protocol/index.ts';
import { freePort } from '../helpers/free-port.ts';
import { REPO, spawnGateway, writeConfig } from '../helpers/gateway-process.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startVictoria } from '../helpers/victoria.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { launchBrowser } from './browser.ts';
import { ScriptedBroker, type OutletReading } from './scripted-broker.ts';
import { historyLines, seedHistory } from './seed-history.ts';

const SOCKET = 'a2b2c2d2e2f2';
const SOCKET_TAG = 'a2:b2:c2:d2:e2:f2';
const LIVING = 'a2b2c2d2e201';
const BEDROOM = 'a2b2c2d2e202';
const BEDROOM_TAG = 'a2:b2:c2:d2:e2:02';
const outlets = (first: number): OutletReading[] => [
  { channel: 1, voltage: 231.2, current: first / 231.2, power: first, energy: 48_230, relay: true },
  { channel: 2, voltage: 231.1, current: 0, power: 0, energy: 4120, relay: false },
  { channel: 3, voltage: 231.3, current: 0.36, power: 83.4, energy: 9600, relay: true },
  { channel: 4, voltage: 231.2, current: 0, power: 0, energy: 750, relay: false },
];
/** The day before the test, for the chart and "today": a heater on outlet 1 mornings and evenings, a desk on outlet 3. */
const yesterday = (nowMs: number): string[] => historyLines('test-gw', nowMs, [
  { mac: BEDROOM_TAG, room: 'bedroom', meanC: 18.6, swingC: 1.2 },
  { mac: 'a2:b2:c2:d2:e2:01', room: 'living room', meanC: 21, swingC: 0.8 },
], [
  { mac: SOCKET_TAG, room: 'office', channel: 1, powerAt: (h) => ((h >= 6 && h < 8) || (h >= 18 && h < 21) ? 1500 - 300 * Math.abs(Math.sin(h * 5)) : 0), energyNowWh: 48_230 },
  { mac: SOCKET_TAG, room: 'office', channel: 3, powerAt: (h) => (h >= 8.5 && h < 17.5 ? 80 + 20 * Math.sin(h * 3) : 4), energyNowWh: 9600 },
]);
const outlet = (channel: number): string => `li.outlet[data-key="${SOCKET_TAG}/${channel}"]`;

/** The TX line of "relay of `channel` on" with command `id`, built by hand from PROTOCOL.md sections 2 and 4. */
function expectedTx(id: number, mac: string, channel: number): string {
  const le16 = (n: number): string => Buffer.from([n & 0xff, n >> 8]).toString('hex');
  const payload = `01810000${le16(id)}` + `5102${le16(id)}` + `0f01${channel.toString(16).padStart(2, '0')}` + '140101';
  const body = `TX,${id},${mac},${payload}`;
  return `${body}*${crc32(body).toString(16).padStart(8, '0')}`;
}

const textOf = (page: Page, selector: string): Promise<string> => page.$eval(selector, (el) => el.textContent ?? '');
const waitText = (page: Page, selector: string, text: string, timeout = 5000): Promise<unknown> =>
  page.waitForFunction((s, x) => document.querySelector(s)?.textContent?.includes(x), { timeout }, selector, text);

test('the page shows the house from the real gateway, updates live from the pty, and a switch leads to the TX line and the confirmed state', async (t) => {
  const started = Date.now();
  const dir = await makeTempDir('web');
  const pty = await startPtyPair();
  const vm = await startVictoria();
  t.teardown(async () => { await pty.stop(); await vm.stop(); await dir.remove(); });
  await seedHistory(vm.url, yesterday(Date.now()));
  const port = await freePort();
  const tokensFile = join(dir.path, 'api-tokens.json');
  const config = await writeConfig(dir.path, {
    gateway: 'test-gw',
    dataDir: join(dir.path, 'data'),
    serial: { path: pty.gatewayPath },
    influx: { url: vm.url, org: 'home', bucket: 'sensors', token: 'secret', flushIntervalMs: 100 },
    history: { backend: 'victoria-metrics', url: vm.url },
    nodes: { [SOCKET]: 'office', [LIVING]: 'living room', [BEDROOM]: 'bedroom' },
    clock: { requireSync: false },
    api: { listen: `127.0.0.1:${port}`, tokensFile, openReads: true },
  });
  // The token file as `espnow-gateway token add` writes it (the same class, without a second process).
  const { token } = await new TokenFile(tokensFile).add('control', 'web test');

  // Chromium starts while the gateway does.
  const gw = spawnGateway(['run', '--config', config]);
  t.teardown(() => gw.stop('SIGKILL').then(() => undefined));
  const launching = launchBrowser();
  t.teardown(() => launching.then((b) => b.close(), () => undefined));
  const url = `http://127.0.0.1:${port}`;
  // Generous: on the shared 2-core test machine under load the start alone has taken 15 s.
  await waitFor(() => gw.child.exitCode !== null || fetch(`${url}/api/health`).then((r) => r.ok, () => false), 30_000, 'the API answering', 100);
  if (gw.child.exitCode !== null) throw new Error(`the gateway exited with ${gw.child.exitCode}: ${gw.stderr()}`);
  await waitFor(() => gw.logs.some((l) => String(l.msg).includes('serial port open')), 10_000, 'serial port open');

  const broker = new ScriptedBroker(pty);
  await broker.hello();
  await broker.nodeHello(SOCKET, CAPABILITY_BITS.POWER_METER | CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING, 60);
  await broker.report(SOCKET, {}, outlets(1520));
  await broker.nodeHello(LIVING, CAPABILITY_BITS.ENVIRONMENT | CAPABILITY_BITS.LIGHT | CAPABILITY_BITS.BATTERY, 300);
  await broker.report(LIVING, { temperature: 21.43, humidity: 45.2, pressure: 1012.6, illuminance: 230, battery: 3.91 });
  // A node with a 1 s interval that said one thing: silent 3 s later. Its battery is low.
  await broker.nodeHello(BEDROOM, CAPABILITY_BITS.ENVIRONMENT | CAPABILITY_BITS.BATTERY, 1);
  await broker.report(BEDROOM, { temperature: 18.9, humidity: 55.1, battery: 3.18 });
  type Health = { mac: string; health: { silent: boolean } };
  const apiNodes = async (): Promise<Health[]> => ((await (await fetch(`${url}/api/nodes`)).json()) as { nodes: Health[] }).nodes;
  await waitFor(async () => (await apiNodes()).length === 3, 5000, 'three nodes in the API');

  const b = await launching;
  const page = await b.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('requestfailed', (req) => { if (!req.url().endsWith('/api/events')) errors.push(`${req.url()}: ${req.failure()?.errorText}`); });
  await page.setViewport({ width: 800, height: 480 });

  // It loads and shows the nodes.
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector(outlet(4), { timeout: 10_000 });
  await waitText(page, '.conn', 'live');
  t.regex(await textOf(page, outlet(1)), /1520\s*W/);
  t.regex(await textOf(page, outlet(1)), /231\.2\s*V/);
  t.regex(await textOf(page, 'section[aria-label="living room"]'), /21\.4\s*°C/);
  t.is(await page.$eval(`${outlet(2)} .switch`, (el) => el.getAttribute('aria-checked')), 'false');
  await waitText(page, 'section[aria-label="bedroom"]', 'battery low');
  const box = await page.$eval(`${outlet(2)} .switch`, (el) => { const r = el.getBoundingClientRect(); return { w: r.width, h: r.height }; });
  t.true(box.w >= 44 && box.h >= 44, `switch is ${box.w}x${box.h} px`);

  // A new REPORT on the pty updates the page live.
  await broker.report(SOCKET, {}, outlets(1234.5));
  await waitText(page, outlet(1), '1235');

  // A click: the page asks for the control token once, then the exact TX line reaches the pty.
  await page.click(`${outlet(2)} .switch`);
  await page.waitForSelector('input[name="token"]', { timeout: 5000 });
  await page.type('input[name="token"]', token);
  await page.click('.token-form button[type="submit"]');
  const tx = await waitFor(() => broker.txLines()[0], 5000, 'a TX line on the pty');
  t.is(tx.raw, expectedTx(tx.command.type === 'tx' ? tx.command.id : -1, SOCKET, 2));
  await page.waitForSelector(`${outlet(2)} .switch.pending`, { timeout: 5000 });
  t.regex(await textOf(page, outlet(2)), /pending/);

  // The broker says sent, the node says ok, relay on: the switch shows the confirmed state.
  await broker.confirm(SOCKET, tx.command.type === 'tx' ? tx.command.id : -1, 2, true);
  await page.waitForFunction((s) => {
    const el = document.querySelector(s);
    return el?.getAttribute('aria-checked') === 'true' && !el.classList.contains('pending');
  }, { timeout: 5000 }, `${outlet(2)} .switch`);
  t.regex(await textOf(page, `${outlet(2)} .switch-label`), /^on$/);
  t.falsy(await page.$(`${outlet(2)} .error`));

  // The screenshots for the README: 800x480 and a phone. The page reads the snapshot every 30 s, so
  // it is reloaded once the gateway calls the bedroom silent (3 of its 1 s intervals after its REPORT).
  await waitFor(async () => (await apiNodes()).find((n) => n.mac === BEDROOM_TAG)?.health.silent, 5000, 'the bedroom silent in the API');
  await page.reload({ waitUntil: 'load' });
  await waitText(page, 'section[aria-label="bedroom"]', 'silent');
  await page.waitForSelector('.plot canvas', { timeout: 10_000 });
  const shots = [join(dir.path, 'web-page-800x480.png'), join(dir.path, 'web-page.png')];
  await page.screenshot({ path: shots[0] });
  await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 2 });
  // The chart follows the new width once its ResizeObserver has run.
  await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, { timeout: 5000 });
  await page.screenshot({ path: shots[1], fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    await mkdir(join(REPO, 'docs', 'img'), { recursive: true });
    for (const shot of shots) await copyFile(shot, join(REPO, 'docs', 'img', shot.split('/').at(-1)!));
  }
  t.deepEqual(errors, []);
  t.log(`took ${Date.now() - started} ms`);
});
