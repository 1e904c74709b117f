import test from 'ava';
import type { InfluxConfig } from '../../src/config/index.ts';
import { checkInfluxReachable, checkInfluxWrite } from '../../src/doctor/index.ts';
import { freePort } from '../helpers/free-port.ts';
import { fakeInflux } from './fake-influx.ts';

const influx = (url: string, over: Partial<InfluxConfig> = {}): InfluxConfig =>
  ({ url, org: 'home', bucket: 'sensors', token: 'good-token', flushIntervalMs: 1000, batchSize: 5000, timeoutMs: 5000, ...over });

test('reachable: /health answers with the version', async (t) => {
  const server = await fakeInflux(t);
  const r = await checkInfluxReachable(influx(server.url), fetch);
  t.true(r.ok);
  t.is(r.detail, `${server.url}: HTTP 200, version v2.7.11`);
});

test('unreachable: a closed port fails with the cause and the fix', async (t) => {
  const port = await freePort();
  const r = await checkInfluxReachable(influx(`http://127.0.0.1:${port}`), fetch);
  t.false(r.ok);
  t.regex(r.detail, /ECONNREFUSED/);
  t.regex(r.fix ?? '', /influx\.url/);
});

test('write: a good token, org and bucket pass with an empty write that stores nothing', async (t) => {
  const server = await fakeInflux(t);
  const r = await checkInfluxWrite(influx(server.url), fetch);
  t.true(r.ok, r.detail);
  const write = server.requests.find((q) => q.url.startsWith('/api/v2/write'));
  t.is(write?.body, '');
  t.is(write?.auth, 'Token good-token');
  t.is(write?.url, '/api/v2/write?org=home&bucket=sensors&precision=us');
});

test('write: 401 names the token, 404 tells an unknown org from an unknown bucket', async (t) => {
  const server = await fakeInflux(t);
  const badToken = await checkInfluxWrite(influx(server.url, { token: 'nope' }), fetch);
  t.regex(badToken.detail, /HTTP 401 unauthorized access: the token is not valid/);
  t.regex(badToken.fix ?? '', /influx auth create/);
  const badOrg = await checkInfluxWrite(influx(server.url, { org: 'house' }), fetch);
  t.regex(badOrg.detail, /organization name "house" not found/);
  t.regex(badOrg.fix ?? '', /influx org list/);
  const badBucket = await checkInfluxWrite(influx(server.url, { bucket: 'sensor' }), fetch);
  t.regex(badBucket.detail, /bucket "sensor" not found/);
  t.regex(badBucket.fix ?? '', /influx bucket create --name sensor --org home/);
  t.false(badToken.ok || badOrg.ok || badBucket.ok);
});
