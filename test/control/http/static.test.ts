import test from 'ava';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packagePath } from '../../../src/package-root.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startApiRig } from './api-rig.ts';

test('the page: its folder at / with no token, /vendor/<name> from node_modules, anything else a JSON 404; no framing', async (t) => {
  const web = await makeTempDir('web');
  t.teardown(web.remove);
  await mkdir(join(web.path, 'js'));
  await writeFile(join(web.path, 'index.html'), '<!doctype html><title>espnow</title>');
  await writeFile(join(web.path, 'js', 'app.js'), 'export const x = 1;\n');
  const preact = packagePath('node_modules', 'preact', 'dist', 'preact.mjs');
  const rig = await startApiRig({ static: { root: web.path, vendor: { 'preact.mjs': preact } } });
  t.teardown(rig.close);

  const index = await rig.call('GET', '/');
  t.is(index.statusCode, 200);
  t.is(index.body, '<!doctype html><title>espnow</title>');
  t.regex(String(index.headers['content-type']), /^text\/html/);
  t.is(index.headers['x-frame-options'], 'DENY');
  t.is(index.headers['x-content-type-options'], 'nosniff');
  const app = await rig.call('GET', '/js/app.js');
  t.is(app.statusCode, 200);
  t.regex(String(app.headers['content-type']), /javascript/);
  const vendor = await rig.call('GET', '/vendor/preact.mjs');
  t.is(vendor.statusCode, 200);
  t.regex(String(vendor.headers['content-type']), /javascript/);
  t.true(vendor.body.length > 1000);
  const missing = await rig.call('GET', '/vendor/react.js');
  t.is(missing.statusCode, 404);
  t.deepEqual(missing.json(), { code: 'NOT_FOUND', message: '/vendor/react.js: not a file the page uses' });
  const outside = await rig.call('GET', '/../package.json');
  t.is(outside.statusCode, 404);
  t.is((await rig.call('GET', '/nothing.html')).json().code, 'NOT_FOUND');
  t.is((await rig.call('GET', '/api/nodes')).statusCode, 401, 'the API under it still needs a token');
});

test('routes added by other services (deps.routes) get the same access rules: a read route needs a token, a public one none', async (t) => {
  const rig = await startApiRig({
    routes: [(app) => {
      app.get('/metrics', { schema: { hide: true }, config: { access: 'read' } }, async () => 'm 1\n');
      app.get('/ping', { schema: { hide: true }, config: { access: 'public' } }, async () => 'pong');
    }],
  });
  t.teardown(rig.close);
  t.is((await rig.call('GET', '/metrics')).statusCode, 401);
  t.is((await rig.call('GET', '/metrics', { token: rig.read })).body, 'm 1\n');
  t.is((await rig.call('GET', '/ping')).body, 'pong');
  t.false(JSON.stringify((await rig.call('GET', '/openapi.json')).json()).includes('/metrics'));
});
