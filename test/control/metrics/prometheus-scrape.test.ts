import { createServer, type Server } from 'node:http';
import test from 'ava';
import Fastify from 'fastify';
import { METRIC_FAMILIES } from '../../../src/control/metrics/exposition.ts';
import { metricsRoutes } from '../../../src/control/metrics/metrics-routes.ts';
import { freePort } from '../../helpers/free-port.ts';
import { startPrometheus, type QuerySample } from '../../helpers/prometheus.ts';
import { commandIn, startMetricsRig, T0 } from './metrics-rig.ts';

const TOKEN = 'metrics-read-token-0123456789';

/** The series of one family as Prometheus stored them, without the labels Prometheus adds. */
const stored = (samples: QuerySample[]) => samples
  .map(({ metric, value }) => {
    const { __name__: _name, job: _job, instance: _instance, ...labels } = metric;
    return `${JSON.stringify(labels, Object.keys(labels).sort())} ${value}`;
  })
  .sort();

/** The same, from the exposition text (labels unescaped; an empty label value is no label, as in Prometheus). */
function exposed(text: string, name: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) {
      if (l[2] !== '') labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push(`${JSON.stringify(labels, Object.keys(labels).sort())} ${Number(m[3])}`);
  }
  return out.sort();
}

test('a real Prometheus scrapes /metrics (plain node:http and the fastify route with a bearer token) and stores every family as exposed', async (t) => {
  const rig = startMetricsRig();
  rig.open.push(commandIn(8, 'queued'));
  rig.bus.emit('commandChanged', commandIn(8, 'accepted'));
  rig.bus.emit('broker', { type: 'hb', atMs: T0 - 12_500, uptimeS: 100, queued: 0 });
  rig.udp.counters = { datagrams: 9, invalid: { too_large: 1, decode: 2, mac: 0, range: 3 } };

  const plainPort = await freePort();
  const plain: Server = createServer((req, res) => {
    void rig.metrics.render().then((text) => res.writeHead(200, { 'Content-Type': rig.metrics.contentType }).end(text));
  });
  await new Promise<void>((resolve) => plain.listen(plainPort, '127.0.0.1', resolve));

  const app = Fastify();
  const accessSeen: unknown[] = [];
  // Stands in for the API's Auth hook: the route asks for read access, and Prometheus must send the token.
  app.addHook('onRequest', async (req, reply) => {
    accessSeen.push((req.routeOptions.config as { access?: string }).access);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) await reply.code(401).send('token needed');
  });
  metricsRoutes(app, { metrics: rig.metrics });
  const apiPort = await freePort();
  await app.listen({ host: '127.0.0.1', port: apiPort });

  const prometheus = await startPrometheus([
    { job: 'plain', target: `127.0.0.1:${plainPort}` },
    { job: 'api', target: `127.0.0.1:${apiPort}`, bearer: TOKEN },
  ]);
  t.teardown(async () => {
    await prometheus.stop();
    await app.close();
    await new Promise((resolve) => plain.close(resolve));
    rig.stop();
  });

  await prometheus.waitForScrape();
  t.deepEqual(await prometheus.targetErrors(), { plain: '', api: '' });
  t.true(accessSeen.length > 0 && accessSeen.every((a) => a === 'read'), 'GET /metrics asks for read access');

  const text = await rig.metrics.render();
  for (const family of METRIC_FAMILIES) {
    for (const job of ['plain', 'api']) {
      const samples = await prometheus.query(`{__name__="${family.name}", job="${job}"}`);
      t.true(samples.length > 0, `${family.name} (${job}) is stored`);
      t.deepEqual(stored(samples), exposed(text, family.name), `${family.name} (${job})`);
    }
  }
  // A few as a person would ask for them.
  const [energy] = await prometheus.query('espnow_channel_energy_joules_total{job="api", node="a2:b2:c2:d2:e2:f2", channel="1"} / 3600');
  t.is(energy?.value, 123_456, 'the node\'s own counter, back in Wh');
  t.is(energy?.metric.room, 'Garage');
  const hall = await prometheus.query('espnow_node_humidity_ratio{job="plain", room="Hall \\"north\\""}');
  t.deepEqual(hall.map((s) => s.value), [0.4012]);
  const invalid = await prometheus.query('sum(espnow_udp_datagrams_invalid_total{job="api"})');
  t.is(invalid[0]?.value, 6);
});
