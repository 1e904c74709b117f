import test from 'ava';
import { parseListen } from '../../../src/config/listen-address.ts';
import { cookieValue, credentialOf, redactUrl, sameOrigin } from '../../../src/control/http/credentials.ts';
import { validationMessage } from '../../../src/control/http/error-reply.ts';
import { preferWaitS } from '../../../src/control/http/prefer-wait.ts';
import { defaultStepS, parseStepParam, parseTimeParam } from '../../../src/control/http/time-param.ts';

const listen: Array<[string, unknown]> = [
  ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
  ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
  ['[::]:8080', { host: '::', port: 8080 }],
  ['[fe80::1%wlan0]:8080', { host: 'fe80::1%wlan0', port: 8080 }],
  ['gateway.local:0', { host: 'gateway.local', port: 0 }],
  ['8080', undefined],
  [':8080', undefined],
  ['127.0.0.1:65536', undefined],
  ['127.0.0.1:', undefined],
  ['::1:8080', undefined],
  ['http://127.0.0.1:8080', undefined],
  ['host name:80', undefined],
];
for (const [text, expected] of listen) test(`parseListen(${JSON.stringify(text)})`, (t) => t.deepEqual(parseListen(text), expected));

const prefer: Array<[string | undefined, number | undefined]> = [
  [undefined, undefined], ['', undefined], ['wait=5', 5], ['respond-async, wait=10', 10], ['wait = 3', 3], ['wait="7"', 7],
  ['wait=0', 0], ['wait=31', 30], ['wait=999999', 30], ['wait=-1', undefined], ['wait=1.5', undefined], ['return=minimal', undefined],
];
for (const [header, expected] of prefer) test(`preferWaitS(${JSON.stringify(header)}) = ${expected}`, (t) => t.is(preferWaitS(header), expected));

const times: Array<[string, number | undefined]> = [
  ['1735689600000', 1735689600000], ['0', 0], ['2025-01-01T00:00:00Z', 1735689600000], ['2025-01-01T01:00:00+01:00', 1735689600000],
  ['2025-01-01T00:00:00', 1735689600000], ['2025-01-01T00:00', 1735689600000], ['2025-01-01', 1735689600000], ['2025-01-01T00:00:00.5Z', 1735689600500],
  ['yesterday', undefined], ['-5', undefined], ['2025-13-01T00:00:00Z', undefined], ['1e12', undefined],
];
for (const [text, expected] of times) test(`parseTimeParam(${JSON.stringify(text)})`, (t) => t.is(parseTimeParam(text), expected));

const steps: Array<[string, number | undefined]> = [['600', 600], ['90s', 90], ['10m', 600], ['1h', 3600], ['1d', 86400], ['0', 0], ['1.5h', undefined], ['5w', undefined], ['', undefined]];
for (const [text, expected] of steps) test(`parseStepParam(${JSON.stringify(text)})`, (t) => t.is(parseStepParam(text), expected));

test('defaultStepS: about 300 points, at least 1 s', (t) => {
  t.is(defaultStepS(0, 86_400_000), 288);
  t.is(defaultStepS(0, 1000), 1);
});

const cookies: Array<[string | undefined, string | undefined]> = [
  [undefined, undefined], ['espnow_session=abc', 'abc'], ['a=1; espnow_session=egw_x%2By; b=2', 'egw_x+y'], ['espnow_session=', undefined],
  ['espnow_session="q"', 'q'], ['other_espnow_session=abc', undefined], ['espnow_session=%E0%A4%A', undefined],
];
for (const [header, expected] of cookies) test(`cookieValue(${JSON.stringify(header)})`, (t) => t.is(cookieValue(header, 'espnow_session'), expected));

test('credentialOf: a bearer header wins over the cookie; a non-bearer header is malformed', (t) => {
  t.deepEqual(credentialOf({ authorization: 'Bearer abc', cookie: 'espnow_session=def' }), { token: 'abc', source: 'bearer' });
  t.deepEqual(credentialOf({ authorization: 'bearer   abc ' }), { token: 'abc', source: 'bearer' });
  t.deepEqual(credentialOf({ cookie: 'espnow_session=def' }), { token: 'def', source: 'cookie' });
  t.is(credentialOf({ authorization: 'Basic abc' }), 'malformed');
  t.is(credentialOf({ authorization: 'Bearer a b' }), 'malformed');
  t.is(credentialOf({}), undefined);
});

const origins: Array<[Record<string, string>, boolean]> = [
  [{ host: 'gw:8080', origin: 'http://gw:8080' }, true],
  [{ host: '192.168.1.5:8080', origin: 'http://192.168.1.5:8080' }, true],
  [{ host: 'gw', origin: 'http://gw:80' }, true],
  [{ host: 'gw:8080', origin: 'http://evil:8080' }, false],
  [{ host: 'gw:8080', origin: 'http://gw:8081' }, false],
  [{ host: 'gw:8080', origin: 'null' }, false],
  [{ host: 'gw:8080' }, false],
  [{ host: 'gw:8080', 'x-requested-with': 'fetch' }, true],
];
for (const [headers, expected] of origins) test(`sameOrigin(${JSON.stringify(headers)}) = ${expected}`, (t) => t.is(sameOrigin(headers), expected));

const urls: Array<[string, string]> = [
  ['/api/nodes', '/api/nodes'], ['/api/nodes?token=abc', '/api/nodes?token=[redacted]'],
  ['/api/readings?room=Hall&access_token=x&step=1h', '/api/readings?room=Hall&access_token=[redacted]&step=1h'], ['/x?TOKEN=a', '/x?TOKEN=[redacted]'],
];
for (const [url, expected] of urls) test(`redactUrl(${url})`, (t) => t.is(redactUrl(url), expected));

const issues: Array<[string, Parameters<typeof validationMessage>[1], string]> = [
  ['body', { instancePath: '/state', message: 'must be equal to one of the allowed values', params: { allowedValues: ['on', 'off'] } }, 'body/state: must be equal to one of the allowed values (on, off)'],
  ['body', { instancePath: '', message: "must have required property 'state'", params: { missingProperty: 'state' } }, "body/state: must have required property 'state'"],
  ['querystring', { instancePath: '/limit', message: 'must be >= 1', params: {} }, 'query/limit: must be >= 1'],
  ['params', { instancePath: '/n', message: 'must be integer' }, 'params/n: must be integer'],
];
for (const [context, issue, expected] of issues) test(`validationMessage: ${expected}`, (t) => t.is(validationMessage(context, issue), expected));
