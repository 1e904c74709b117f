import test, { type ExecutionContext } from 'ava';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { etagMatches, fileUnderRoot } from '../../../src/control/http/static-files.ts';
import { packagePath } from '../../../src/package-root.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startApiRig, type ApiRig } from './api-rig.ts';

/** A page folder `<tmp>/web` (index.html, js/app.js, one file of each other type, a dotfile) beside `<tmp>/secret.txt`, served by the API. */
async function pageRig(t: ExecutionContext): Promise<{ rig: ApiRig; web: string }> {
  const dir = await makeTempDir('web');
  t.teardown(dir.remove);
  const web = join(dir.path, 'web');
  await mkdir(join(web, 'js'), { recursive: true });
  await writeFile(join(dir.path, 'secret.txt'), 'not for the page');
  await writeFile(join(web, '.env'), 'TOKEN=x');
  await writeFile(join(web, 'index.html'), '<!doctype html><title>espnow</title>');
  await writeFile(join(web, 'js', 'app.js'), 'export const x = 1;\n');
  for (const name of ['style.css', 'data.json', 'icon.svg', 'icon.png', 'favicon.ico', 'app.webmanifest', 'notes.bin']) await writeFile(join(web, name), 'x');
  const rig = await startApiRig({ static: { root: web, vendor: { 'secret.txt': join(dir.path, 'secret.txt') } } });
  t.teardown(rig.close);
  return { rig, web };
}

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

/** GET `path` exactly as given (inject() and fetch() would normalize `/../`). */
function rawGet(origin: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(`${origin}/`, { path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

test('Content-Type by extension, utf-8 on text; Cache-Control no-cache with an ETag and Last-Modified', async (t) => {
  const { rig } = await pageRig(t);
  const types: Array<[string, string]> = [
    ['/', 'text/html; charset=utf-8'], ['/js/app.js', 'text/javascript; charset=utf-8'], ['/style.css', 'text/css; charset=utf-8'],
    ['/data.json', 'application/json; charset=utf-8'], ['/icon.svg', 'image/svg+xml; charset=utf-8'], ['/icon.png', 'image/png'],
    ['/favicon.ico', 'image/x-icon'], ['/app.webmanifest', 'application/manifest+json; charset=utf-8'], ['/notes.bin', 'application/octet-stream'],
  ];
  for (const [path, type] of types) {
    const res = await rig.call('GET', path);
    t.is(res.statusCode, 200, path);
    t.is(res.headers['content-type'], type, path);
    t.is(res.headers['cache-control'], 'no-cache', path);
    t.regex(String(res.headers.etag), /^W\/"[0-9a-f]+-[0-9a-f]+"$/, path);
    t.false(Number.isNaN(Date.parse(String(res.headers['last-modified']))), path);
  }
});

test('no path leaves the page folder (sent as is over a socket): .., encoded .., absolute, NUL, backslash, dotfiles and folders are a JSON 404 naming the path, an undecodable one a 400', async (t) => {
  const { rig } = await pageRig(t);
  t.is((await rig.call('GET', '/vendor/secret.txt')).body, 'not for the page', 'the file exists (the vendor map may name it)');
  const paths = [
    '/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/js/..%2f..%2fsecret.txt', '/js/%2e%2e/%2e%2e/secret.txt',
    '//etc/passwd', '/%2Fetc%2Fpasswd', '/index.html%00.js', '/..%5csecret.txt', '/.env', '/./index.html', '/js', '/js/',
  ];
  const origin = await rig.app.listen({ host: '127.0.0.1', port: 0 });
  for (const path of paths) {
    const res = await rawGet(origin, path);
    t.is(res.status, 404, path);
    t.deepEqual(JSON.parse(res.body), { code: 'NOT_FOUND', message: `${path}: no such file` }, path);
  }
  const undecodable = await rawGet(origin, '/%E0%A4%A');
  t.is(undecodable.status, 400, 'fastify refuses a URL it cannot decode');
  t.regex(JSON.parse(undecodable.body).message, /%E0%A4%A/);
});

test('HEAD answers the headers of GET with no body; If-None-Match with the ETag is a 304 until the file changes', async (t) => {
  const { rig, web } = await pageRig(t);
  const get = await rig.call('GET', '/js/app.js');
  const head = await rig.call('HEAD', '/js/app.js');
  t.is(head.statusCode, 200);
  t.is(head.body, '');
  t.is(head.headers['content-length'], String(get.rawPayload.length));
  t.is(head.headers['content-type'], get.headers['content-type']);
  t.is(head.headers.etag, get.headers.etag);
  const etag = String(get.headers.etag);
  const cached = await rig.call('GET', '/js/app.js', { headers: { 'if-none-match': `"other", ${etag}` } });
  t.is(cached.statusCode, 304);
  t.is(cached.body, '');
  t.is(cached.headers.etag, etag);
  t.is((await rig.call('GET', '/js/app.js', { headers: { 'if-none-match': '"other"' } })).statusCode, 200);
  await writeFile(join(web, 'js', 'app.js'), 'export const x = 22;\n');
  const changed = await rig.call('GET', '/js/app.js', { headers: { 'if-none-match': etag } });
  t.is(changed.statusCode, 200);
  t.is(changed.body, 'export const x = 22;\n');
  t.not(changed.headers.etag, etag);
});

test('with the page on, an unknown /api/ path is still the API\'s 404 (401 without a token)', async (t) => {
  const { rig } = await pageRig(t);
  t.is((await rig.call('GET', '/api/nope')).statusCode, 401);
  t.deepEqual((await rig.call('GET', '/api/nope', { token: rig.read })).json(), { code: 'NOT_FOUND', message: 'no such route: GET /api/nope' });
});

test('fileUnderRoot: index.html for a folder path, undefined for anything outside the root or hidden', (t) => {
  t.is(fileUnderRoot('/srv/web', '/'), '/srv/web/index.html');
  t.is(fileUnderRoot('/srv/web', '/js/app%20x.js'), '/srv/web/js/app x.js');
  t.is(fileUnderRoot('/srv/web/', '/js/'), '/srv/web/js/index.html');
  for (const path of ['/..', '/a/../../b', '/%2e%2e/b', '//b', '/a//b', '/a%00', '/.git/config', '/a\\b', 'a', '/%zz']) t.is(fileUnderRoot('/srv/web', path), undefined, path);
});

test('etagMatches: weak or strong, in a list, or *', (t) => {
  t.true(etagMatches('W/"a-b"', 'W/"a-b"'));
  t.true(etagMatches('"a-b"', 'W/"a-b"'));
  t.true(etagMatches('"x", W/"a-b"', 'W/"a-b"'));
  t.true(etagMatches('*', 'W/"a-b"'));
  t.false(etagMatches('W/"a-c"', 'W/"a-b"'));
  t.false(etagMatches(undefined, 'W/"a-b"'));
});
