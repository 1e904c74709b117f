import test from 'ava';
import { readFile } from 'node:fs/promises';
import { openApiDocument } from '../../../src/control/http/openapi-document.ts';
import { startApiRig } from './api-rig.ts';

const checkedIn = async (): Promise<unknown> => JSON.parse(await readFile(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));

test('docs/openapi.json is the document the server generates (run scripts/gen-openapi.ts after changing a route)', async (t) => {
  t.deepEqual(await openApiDocument(), await checkedIn());
});

test('GET /openapi.json needs no token and serves that document: every route of issue 11 with its schemas', async (t) => {
  const rig = await startApiRig();
  t.teardown(rig.close);
  const res = await rig.call('GET', '/openapi.json');
  t.is(res.statusCode, 200);
  const doc = res.json();
  t.deepEqual(doc, await checkedIn());
  t.is(doc.openapi, '3.1.0');
  const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  t.deepEqual(routes.sort(), [
    'DELETE /api/session', 'GET /api/commands', 'GET /api/commands/{id}', 'GET /api/events', 'GET /api/health', 'GET /api/nodes', 'GET /api/nodes/{mac}',
    'GET /api/nodes/{mac}/channels/{n}', 'GET /api/readings', 'GET /api/session', 'POST /api/session', 'PUT /api/nodes/{mac}/channels/{n}/limits',
    'PUT /api/nodes/{mac}/channels/{n}/relay', 'PUT /api/nodes/{mac}/interval',
  ]);
  const relay = doc.paths['/api/nodes/{mac}/channels/{n}/relay'].put;
  t.deepEqual(relay.requestBody.content['application/json'].schema.properties.state.enum, ['on', 'off', 'toggle']);
  t.deepEqual(Object.keys(relay.responses).sort(), ['200', '202', '400', '401', '403', '404', '409', '429', '503']);
  t.deepEqual(Object.keys(doc.components.schemas).sort(), ['Channel', 'Command', 'Error', 'Node', 'Series']);
});
