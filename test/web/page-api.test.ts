import test from 'ava';
import { join } from 'node:path';
import { EventBus } from '../../src/bus/event-bus.ts';
import type { CommandQueueApi, CommandRequest, CommandView } from '../../src/commands/types.ts';
import { createHttpApi, type HttpApi } from '../../src/control/http/index.ts';
import { TokenFile } from '../../src/control/http/token-file.ts';
import { silentLogger } from '../../src/log.ts';
import { NodeRegistry } from '../../src/nodes/registry.ts';
import { NodeStore } from '../../src/nodes/node-store.ts';
import { CAPABILITY_BITS, decodeMessage, encodeMessage, KIND, record, type RecordDraft } from '../../src/protocol/index.ts';
import { REPO } from '../helpers/gateway-process.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { launchBrowser } from './browser.ts';
import { outletRecords } from './scripted-broker.ts';
import { VENDOR_FILES } from './static-server.ts';

/**
 * The page served by the real HTTP API (src/control/http: static files,
 * /vendor, the session cookie, the event stream) over a real node registry,
 * NodeStore and event bus; only the command queue is a recording fake (the
 * whole path to the pty is page.test.ts).
 */
test('served by the HTTP API: the page asks for the token once, the cookie carries it, and the switch goes pending then confirmed', async (t) => {
  const dir = await makeTempDir('web-api');
  t.teardown(() => dir.remove());
  const mac = 'a2b2c2d2e2f2';
  const bus = new EventBus(silentLogger);
  const registry = new NodeRegistry({ rooms: new Map([[mac, 'office']]), log: silentLogger });
  const store = new NodeStore({ registry, bus, now: Date.now });
  store.start();
  t.teardown(() => store.stop());
  let seq = 0;
  const hear = (kind: number, records: RecordDraft[]): void => {
    registry.accept(mac, -50, decodeMessage(encodeMessage({ kind, boot: 1, seq: ++seq, records })), Date.now());
    bus.emit('nodeChanged', { mac });
  };
  hear(KIND.HELLO, [record('capabilities', CAPABILITY_BITS.POWER_METER | CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING), record('interval', 60)]);
  hear(KIND.REPORT, outletRecords({ channel: 1, voltage: 230, current: 0.5, power: 115, energy: 1000, relay: false }));

  const submitted: CommandRequest[] = [];
  const views = new Map<number, CommandView>();
  const commands: CommandQueueApi = {
    submit: (m, request) => {
      submitted.push(request);
      const state = request.type === 'relay' && request.state !== 'toggle' ? request.state : 'on';
      const view: CommandView = {
        id: views.size + 1, mac, room: 'office', channel: 1, action: { type: 'relay', channel: 1, state }, requested: request,
        source: 'api', status: 'accepted', createdMs: Date.now(), updatedMs: Date.now(), history: [{ status: 'accepted', atMs: Date.now() }],
      };
      views.set(view.id, view);
      queueMicrotask(() => bus.emit('commandChanged', view));
      return view;
    },
    get: (id) => views.get(id),
    list: () => [...views.values()],
    waitFinal: async (id) => views.get(id),
  };
  const tokensFile = join(dir.path, 'api-tokens.json');
  const { token } = await new TokenFile(tokensFile).add('control', 'web test');
  const api: HttpApi = createHttpApi({
    config: { listen: '127.0.0.1:0', host: '127.0.0.1', port: 0, tokensFile, openReads: true, controlRatePerMin: 30 },
    nodes: store, commands, bus, health: () => ({}), log: silentLogger, now: Date.now,
    static: { root: join(REPO, 'web'), vendor: Object.fromEntries(Object.entries(VENDOR_FILES).map(([k, v]) => [k, join(REPO, 'node_modules', v)])) },
  });
  await api.start();
  t.teardown(() => api.stop());
  const b = await launchBrowser();
  t.teardown(() => b.close());

  const page = await b.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.setViewport({ width: 800, height: 480 });
  await page.goto(api.url!, { waitUntil: 'load' });
  await page.waitForSelector('.switch', { timeout: 5000 });
  t.is(await page.$eval('.switch', (el) => el.getAttribute('aria-checked')), 'false');

  // Reads are open; the PUT answers 401, the page asks for the token and retries with the cookie.
  await page.click('.switch');
  await page.waitForSelector('input[name="token"]', { timeout: 5000 });
  t.deepEqual(submitted, [], 'nothing was submitted without the token');
  await page.type('input[name="token"]', token);
  await page.click('.token-form button[type="submit"]');
  await page.waitForSelector('.switch.pending', { timeout: 5000 });
  t.deepEqual(submitted, [{ type: 'relay', channel: 1, state: 'on' }]);
  const cookies = await b.browser.cookies();
  t.true(cookies.some((c) => c.httpOnly && c.sameSite === 'Strict'), 'the token lives in an HttpOnly, SameSite=Strict cookie');
  t.is(await page.evaluate(() => document.cookie), '', 'the page cannot read it');
  t.is(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)), '{}{}', 'nothing kept in storage');

  // The node confirms (a RESULT: relay on), the command is ok: the switch shows the confirmed state.
  hear(KIND.RESULT, [record('commandId', 1), record('outcome', 0), ...outletRecords({ channel: 1, voltage: 230, current: 0.5, power: 115, energy: 1000, relay: true }).slice(0, 1), record('relay', 1)]);
  bus.emit('commandChanged', { ...views.get(1)!, status: 'ok', updatedMs: Date.now() });
  await page.waitForSelector('.switch.on:not(.pending)', { timeout: 5000 });
  t.is(await page.$eval('.switch-label', (el) => el.textContent), 'on');

  // The second click needs no token: the cookie is there.
  await page.click('.switch');
  await page.waitForSelector('.switch.pending', { timeout: 5000 });
  t.is(await page.$('input[name="token"]'), null);
  t.deepEqual(submitted.at(-1), { type: 'relay', channel: 1, state: 'off' });
  t.deepEqual(errors, []);
});
