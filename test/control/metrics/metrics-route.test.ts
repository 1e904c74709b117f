import test from 'ava';
import { METRICS_CONTENT_TYPE } from '../../../src/control/metrics/exposition.ts';
import { MetricsService } from '../../../src/control/metrics/metrics-service.ts';
import { metricsRoutes } from '../../../src/control/metrics/metrics-routes.ts';
import { startApiRig } from '../http/api-rig.ts';

test('GET /metrics on the real API app: read access (401 without a token), text format 0.0.4, the API\'s nodes and open commands', async (t) => {
  const holder: { metrics?: MetricsService } = {};
  const rig = await startApiRig({ routes: [(app) => metricsRoutes(app, { metrics: { contentType: METRICS_CONTENT_TYPE, render: () => holder.metrics!.render() } })] });
  t.teardown(rig.close);
  // The API rig builds its app before the service exists here; the route reads the holder at request time.
  const metrics = new MetricsService({
    bus: rig.bus, nodes: rig.nodes, commands: rig.queue, now: () => rig.clock.now,
    counters: () => ({ frames: 1, consoleLines: 0, badFrames: 0, badMessages: 0, messages: 4, duplicates: 0, lost: 0, points: 4, brokerBoots: 0, heartbeats: 0 }),
    sink: () => ({ reachable: true, backlogPoints: 0 }),
  });
  holder.metrics = metrics;
  metrics.start();
  t.teardown(() => metrics.stop());

  t.is((await rig.call('GET', '/metrics')).statusCode, 401);
  const submitted = await rig.call('PUT', '/api/nodes/a2b2c2d2e2f3/channels/1/relay', { token: rig.control, body: { state: 'off' } });
  t.true(submitted.statusCode < 300, submitted.body);
  const res = await rig.call('GET', '/metrics', { token: rig.read });
  t.is(res.statusCode, 200);
  t.is(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  t.is(res.headers['cache-control'], 'no-store');
  t.true(res.body.includes('espnow_channel_power_watts{node="a2:b2:c2:d2:e2:f3",room="Office",channel="1"} 25'), res.body);
  t.true(res.body.includes('espnow_node_temperature_celsius{node="a2:b2:c2:d2:e2:f4",room="Kitchen"} 21.5'));
  t.regex(res.body, /espnow_command_status_changes_total\{status="accepted"\} 1\n/);
  t.regex(res.body, /espnow_commands_open\{status="(accepted|sent)"\} 1\n/);
  t.false(JSON.stringify((await rig.call('GET', '/openapi.json')).json()).includes('/metrics'), 'kept out of the OpenAPI document');
});
