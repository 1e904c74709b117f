import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { TokenFile } from '../../../src/control/http/token-file.ts';
import { recordingLog } from '../../helpers/recording-log.ts';
import { SOCKET, startApiRig, type ApiRig, type ApiRigOptions } from './api-rig.ts';

const withRig = (name: string, fn: (t: import('ava').ExecutionContext, rig: ApiRig) => Promise<void>, options?: ApiRigOptions) =>
  test(name, async (t) => {
    const rig = await startApiRig(options);
    t.teardown(rig.close);
    await fn(t, rig);
  });

const RELAY = `/api/nodes/${SOCKET}/channels/1/relay`;
const HOST = 'gateway.local:8080';

withRig('reads need a token: 401 UNAUTHORIZED with a Bearer challenge and how to make one', async (t, rig) => {
  const res = await rig.call('GET', '/api/nodes');
  t.is(res.statusCode, 401);
  t.is(res.headers['www-authenticate'], 'Bearer realm="espnow-gateway"');
  t.deepEqual(res.json(), {
    code: 'UNAUTHORIZED',
    message: 'GET /api/nodes needs a token with scope read or control: send Authorization: Bearer <token> (make one with espnow-gateway token add --config FILE --scope read)',
  });
  for (const path of ['/api/nodes/a2b2c2d2e2f3', '/api/commands', '/api/events', '/api/health', '/api/readings?measurement=environment&field=temperature']) {
    t.is((await rig.call('GET', path)).statusCode, 401, path);
  }
});

withRig('a read token reads; a control token reads and controls; a read token cannot control (403 naming the token)', async (t, rig) => {
  t.is((await rig.call('GET', '/api/nodes', { token: rig.read })).statusCode, 200);
  t.is((await rig.call('GET', '/api/nodes', { token: rig.control })).statusCode, 200);
  const forbidden = await rig.call('PUT', RELAY, { token: rig.read, body: { state: 'on' } });
  t.is(forbidden.statusCode, 403);
  t.regex(forbidden.json().message, /^token [0-9a-f]{8} \(script\) has scope read; PUT \/api\/nodes\/:mac\/channels\/:n\/relay needs a token with scope control$/);
  t.is((await rig.call('PUT', RELAY, { token: rig.control, body: { state: 'on' } })).statusCode, 202);
  t.is((await rig.call('PUT', RELAY, { body: { state: 'on' } })).statusCode, 401);
});

withRig('an unknown token and a non-bearer Authorization header are 401', async (t, rig) => {
  const unknown = await rig.call('GET', '/api/nodes', { token: 'egw_not-a-token-of-this-gateway' });
  t.is(unknown.statusCode, 401);
  t.regex(unknown.json().message, /does not hold/);
  const basic = await rig.call('GET', '/api/nodes', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
  t.is(basic.statusCode, 401);
  t.is(basic.json().message, 'Authorization: expected "Bearer <token>"');
});

withRig('api.openReads: reads need no token, control still does', async (t, rig) => {
  t.is((await rig.call('GET', '/api/nodes')).statusCode, 200);
  t.is((await rig.call('GET', '/api/health')).statusCode, 200);
  t.is((await rig.call('PUT', RELAY, { body: { state: 'on' } })).statusCode, 401);
}, { api: { openReads: true } });

withRig('a token in the URL is refused with 400 TOKEN_IN_URL, even with a valid header and on open routes', async (t, rig) => {
  for (const query of [`token=${rig.read}`, `access_token=${rig.read}`, 'Access_Token=x']) {
    const res = await rig.call('GET', `/api/nodes?${query}`, { token: rig.read });
    t.is(res.statusCode, 400, query);
    t.is(res.json().code, 'TOKEN_IN_URL');
    t.regex(res.json().message, /^query\/(token|access_token|Access_Token): tokens are never accepted in URLs .* Authorization: Bearer <token>$/);
  }
  t.is((await rig.call('GET', `/openapi.json?token=${rig.read}`)).statusCode, 400);
});

withRig('the page\'s session: POST /api/session sets an HttpOnly SameSite=Strict cookie; cookie reads; cookie control needs the same origin', async (t, rig) => {
  const login = await rig.call('POST', '/api/session', { body: { token: rig.control }, headers: { host: HOST, origin: `http://${HOST}` } });
  t.is(login.statusCode, 204);
  t.is(login.headers['set-cookie'], `espnow_session=${encodeURIComponent(rig.control)}; HttpOnly; SameSite=Strict; Path=/`);
  const cookie = `espnow_session=${encodeURIComponent(rig.control)}`;
  t.is((await rig.call('GET', '/api/nodes', { headers: { cookie } })).statusCode, 200);
  t.like((await rig.call('GET', '/api/session', { headers: { cookie } })).json(), { scope: 'control', label: 'phone' });

  const noOrigin = await rig.call('PUT', RELAY, { headers: { cookie, host: HOST }, body: { state: 'on' } });
  t.is(noOrigin.statusCode, 403);
  t.is(noOrigin.json().code, 'CSRF_CHECK_FAILED');
  const crossSite = await rig.call('PUT', RELAY, { headers: { cookie, host: HOST, origin: 'http://evil.example' }, body: { state: 'on' } });
  t.is(crossSite.statusCode, 403);
  t.is((await rig.call('PUT', RELAY, { headers: { cookie, host: HOST, origin: `http://${HOST}` }, body: { state: 'on' } })).statusCode, 202);
  t.is((await rig.call('PUT', RELAY, { headers: { cookie, host: HOST, 'x-requested-with': 'fetch' }, body: { state: 'off' } })).statusCode, 202);

  const logout = await rig.call('DELETE', '/api/session', { headers: { cookie } });
  t.is(logout.statusCode, 204);
  t.is(logout.headers['set-cookie'], 'espnow_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0');
});

withRig('POST /api/session refuses an unknown token (401) and a cross-site login (403); GET /api/session without a token is 401', async (t, rig) => {
  const unknown = await rig.call('POST', '/api/session', { body: { token: 'egw_nope' } });
  t.is(unknown.statusCode, 401);
  t.is(unknown.headers['set-cookie'], undefined);
  const cross = await rig.call('POST', '/api/session', { body: { token: rig.control }, headers: { host: HOST, origin: 'http://evil.example' } });
  t.is(cross.statusCode, 403);
  t.is(cross.headers['set-cookie'], undefined);
  t.is((await rig.call('GET', '/api/session')).statusCode, 401);
});

withRig('control is rate-limited per token: past api.controlRatePerMin a 429 RATE_LIMITED with Retry-After; other tokens and reads go on', async (t, rig) => {
  for (let i = 0; i < 3; i += 1) t.is((await rig.call('PUT', RELAY, { token: rig.control, body: { state: i % 2 ? 'on' : 'off' } })).statusCode, 202);
  const limited = await rig.call('PUT', RELAY, { token: rig.control, body: { state: 'on' } });
  t.is(limited.statusCode, 429);
  t.is(limited.json().code, 'RATE_LIMITED');
  t.regex(limited.json().message, /^at most 3 control requests per minute and token; retry in \d+ s$/);
  t.truthy(limited.headers['retry-after']);
  const other = (await rig.tokens.add('control', 'second')).token;
  t.is((await rig.call('PUT', RELAY, { token: other, body: { state: 'on' } })).statusCode, 202);
  t.is((await rig.call('GET', '/api/nodes', { token: rig.control })).statusCode, 200);
}, { api: { controlRatePerMin: 3 } });

withRig('a token added to the file while the API runs works on the next request (no restart)', async (t, rig) => {
  const other = new TokenFile(rig.tokens.path);
  const { token } = await other.add('read', 'added later');
  t.is((await rig.call('GET', '/api/nodes', { token })).statusCode, 200);
});

withRig('a tokens file that is not JSON: 503 API_TOKENS_INVALID naming the file; open reads still work', async (t, rig) => {
  await writeFile(rig.tokens.path, 'garbage');
  const res = await rig.call('PUT', RELAY, { token: rig.control, body: { state: 'on' } });
  t.is(res.statusCode, 503);
  t.is(res.json().code, 'API_TOKENS_INVALID');
  t.true(res.json().message.startsWith(`${rig.tokens.path}: not an API tokens file`));
  t.is((await rig.call('GET', '/api/nodes')).statusCode, 200);
}, { api: { openReads: true } });

test('tokens never reach the log: not from the header, the cookie, the URL or the session body; each request is one debug line', async (t) => {
  const rec = recordingLog('debug');
  const rig = await startApiRig({ log: rec.log });
  t.teardown(rig.close);
  await rig.call('GET', '/api/nodes', { token: rig.read });
  await rig.call('GET', `/api/nodes?token=${rig.control}`);
  await rig.call('GET', '/api/nodes', { headers: { cookie: `espnow_session=${rig.control}` } });
  await rig.call('POST', '/api/session', { body: { token: rig.control } });
  await rig.call('PUT', RELAY, { token: rig.control, body: { state: 'on' } });
  const text = rec.entries.map((e) => JSON.stringify(e)).join('\n');
  t.false(text.includes(rig.read.slice(4)), 'the read token');
  t.false(text.includes(rig.control.slice(4)), 'the control token');
  const requests = rec.entries.filter((e) => e.msg === 'request');
  t.is(requests.length, 5);
  t.true(requests.every((e) => e.level === 20));
  t.like(requests[1], { method: 'GET', url: '/api/nodes?token=[redacted]', status: 400 });
  t.like(rec.find('session opened')[0], { scope: 'control', label: 'phone' });
});
