import test from 'ava';
import type { ServerResponse } from 'node:http';
import type { Page } from 'puppeteer-core';
import { freePort } from '../helpers/free-port.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { startStaticServer, type StaticServer } from './static-server.ts';

/**
 * The page against a scripted API (web/ served as the gateway serves it):
 * the paths the real gateway reaches only by waiting (failures, an API
 * refusal, history down, a dropped event stream). The happy path runs
 * against the real gateway in page.test.ts.
 */

const MAC = 'a2:b2:c2:d2:e2:f2';
const channel = (n: number, relay: boolean): object => ({ channel: n, voltage: 230, current: 0.5, power: 115, energy: 2000, relay, updatedMs: Date.now() });
const socketNode = (relays: boolean[]): object => ({
  mac: MAC, room: 'office', capabilityNames: ['powerMeter', 'relay', 'listening'], firstSeenMs: Date.now(), lastSeenMs: Date.now(), rssi: -50,
  latest: {}, counters: { messages: 1, duplicates: 0, lost: 0 }, health: { silent: false, batteryLow: false, tripped: false },
  channels: relays.map((r, i) => channel(i + 1, r)),
});

interface Scripted {
  server: StaticServer;
  /** Requests the page made, `METHOD /path?query`. */
  requests: string[];
  /** Open event streams. */
  streams: Set<ServerResponse>;
  send(event: string, data: unknown): void;
  /** The answer to the next PUT: status and body. */
  put: { status: number; body: object };
  nodes: object[];
  /** While set, `GET /api/nodes` is answered only once it resolves, with `nodes` as they were when asked. */
  nodesGate?: Promise<void>;
  readingsStatus: number;
}

async function startScripted(): Promise<Scripted> {
  const s: Scripted = {
    server: undefined as unknown as StaticServer, requests: [], streams: new Set(), put: { status: 202, body: {} },
    nodes: [socketNode([false, true])], readingsStatus: 200,
    send: (event, data) => { for (const r of s.streams) r.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`); },
  };
  const json = (res: ServerResponse, status: number, body: unknown): true => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    return true;
  };
  s.server = await startStaticServer(await freePort(), (req, res, url) => {
    s.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === '/api/nodes') {
      const { nodes, nodesGate } = s;
      if (!nodesGate) return json(res, 200, { nodes });
      void nodesGate.then(() => json(res, 200, { nodes }));
      return true;
    }
    if (url.pathname === '/api/session') return json(res, 401, { code: 'UNAUTHORIZED', message: 'no token' });
    if (url.pathname === '/api/readings') {
      return s.readingsStatus === 200
        ? json(res, 200, { series: [{ tags: { node: MAC, channel: '1' }, points: [[Date.now() - 3600_000, 1900], [Date.now(), 2000]] }] })
        : json(res, s.readingsStatus, { code: 'HISTORY_UNAVAILABLE', message: 'the time-series store is not reachable' });
    }
    if (url.pathname === '/api/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': hello\n\n');
      s.streams.add(res);
      res.on('close', () => s.streams.delete(res));
      return true;
    }
    if (req.method === 'PUT') return json(res, s.put.status, s.put.body);
    return false;
  });
  return s;
}

const outlet = (n: number): string => `li.outlet[data-key="${MAC}/${n}"]`;
const waitText = (page: Page, selector: string, text: string): Promise<unknown> =>
  page.waitForFunction((sel, x) => document.querySelector(sel)?.textContent?.includes(x), { timeout: 5000 }, selector, text);

let browser: TestBrowser;
test.before(async () => { browser = await launchBrowser(); });
test.after.always(async () => { await browser?.close(); });

async function open(t: { teardown(fn: () => Promise<void>): void }, setup: (s: Scripted) => void = () => undefined): Promise<{ s: Scripted; page: Page }> {
  const s = await startScripted();
  setup(s);
  const page = await browser.browser.newPage();
  t.teardown(async () => { await page.close(); await s.server.stop(); });
  await page.goto(s.server.url, { waitUntil: 'load' });
  await page.waitForSelector(outlet(2), { timeout: 5000 });
  await waitText(page, '.conn', 'live');
  return { s, page };
}

test('a command that fails says why, with its status and reason', async (t) => {
  const { s, page } = await open(t);
  const command = { id: 9, mac: MAC, channel: 1, status: 'accepted', action: { type: 'relay', channel: 1, state: 'on' }, requested: { type: 'relay', channel: 1, state: 'on' } };
  s.put = { status: 202, body: command };
  await page.click(`${outlet(1)} .switch`);
  await page.waitForSelector(`${outlet(1)} .switch.pending`, { timeout: 5000 });
  t.true(s.requests.includes(`PUT /api/nodes/${encodeURIComponent(MAC)}/channels/1/relay`));
  s.send('command', { ...command, status: 'failed', reason: 'no radio ack from the node' });
  await waitText(page, `${outlet(1)} .error`, 'switching on failed: no radio ack from the node');
  t.is(await page.$eval(`${outlet(1)} .switch`, (el) => el.getAttribute('aria-checked')), 'false', 'still the confirmed state: off');
  t.is(await page.$eval(`${outlet(1)} .switch`, (el) => (el as HTMLButtonElement).disabled), false);
});

test('an API refusal shows the API\'s own message', async (t) => {
  const { s, page } = await open(t);
  s.put = { status: 503, body: { code: 'BROKER_SILENT', message: 'the broker has not been heard for 45 s; commands are refused' } };
  await page.click(`${outlet(2)} .switch`);
  await waitText(page, `${outlet(2)} .error`, 'switching off failed: the broker has not been heard for 45 s');
  t.is(await page.$eval(`${outlet(2)} .switch`, (el) => el.getAttribute('aria-checked')), 'true', 'still the confirmed state: on');
});

test('energy today is "–" and the chart says so when history is unavailable', async (t) => {
  const { page } = await open(t, (s) => { s.readingsStatus = 503; });
  await waitText(page, outlet(1), '– today');
  await waitText(page, '.chart', 'History unavailable: the time-series store is not reachable');
  t.regex(await page.$eval(outlet(1), (el) => el.textContent ?? ''), /115\s*W/, 'the live values are there all the same');
});

test('energy today is the counter now minus its first reading of today', async (t) => {
  const { s, page } = await open(t);
  await waitText(page, outlet(1), '100\u202fWh today');
  t.true(s.requests.some((r) => r.startsWith('GET /api/readings?measurement=power&field=energy')));
});

test('a dropped event stream reconnects, and the snapshot is read again', async (t) => {
  const { s, page } = await open(t);
  const before = s.requests.filter((r) => r === 'GET /api/nodes').length;
  s.nodes = [socketNode([true, true])];
  for (const r of s.streams) r.destroy();
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-checked') === 'true', { timeout: 8000 }, `${outlet(1)} .switch`);
  await waitText(page, '.conn', 'live');
  t.true(s.requests.filter((r) => r === 'GET /api/nodes').length > before);
  s.send('node', socketNode([false, false]));
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-checked') === 'false', { timeout: 8000 }, `${outlet(1)} .switch`);
  t.pass();
});

test('a snapshot answered after a node event does not roll the node back to what it was when asked', async (t) => {
  const { s, page } = await open(t);
  await waitText(page, '.conn', 'live');
  let release!: () => void;
  s.nodesGate = new Promise((resolve) => { release = resolve; });
  // The snapshot the page is about to ask for: both outlets on, and a second node.
  const other = 'a2:b2:c2:d2:e2:f3';
  s.nodes = [socketNode([true, true]), { ...socketNode([true]), mac: other, room: 'hall' }];
  const before = s.requests.filter((r) => r === 'GET /api/nodes').length;
  for (const r of s.streams) r.destroy(); // the reconnect asks for the snapshot again
  await page.waitForFunction(() => document.querySelector('.conn')?.textContent?.includes('live') === false, { timeout: 5000 });
  const deadline = Date.now() + 10_000;
  while (s.requests.filter((r) => r === 'GET /api/nodes').length === before) {
    if (Date.now() > deadline) return t.fail('the page did not ask for the snapshot again');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Newer than that snapshot: both outlets off.
  s.send('node', socketNode([false, false]));
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-checked') === 'false', { timeout: 8000 }, `${outlet(2)} .switch`);
  release();
  await page.waitForFunction((sel) => document.querySelector(sel) !== null, { timeout: 8000 }, `li.outlet[data-key="${other}/1"]`);
  t.is(await page.$eval(`${outlet(1)} .switch`, (el) => el.getAttribute('aria-checked')), 'false');
  t.is(await page.$eval(`${outlet(2)} .switch`, (el) => el.getAttribute('aria-checked')), 'false');
});
