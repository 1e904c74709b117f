import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/*
 * deploy/influxdb-dashboard.json is an InfluxDB 2 template (influx apply -f, or
 * the UI's Settings > Templates). Every query must name a measurement and field
 * the gateway writes, as listed in section 3 of docs/protocol.md.
 */

const read = (path: string): Promise<string> => readFile(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

interface Resource { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> }
interface Chart { kind: string; name: string; xPos: number; yPos: number; width: number; height: number; queries: { query: string }[] }

/** measurement -> its fields and tags, from the table in docs/protocol.md section 3. */
async function storedSchema(): Promise<Map<string, { fields: Set<string>; tags: Set<string> }>> {
  const doc = await read('docs/protocol.md');
  const section = doc.slice(doc.indexOf('## 3.'));
  const schema = new Map<string, { fields: Set<string>; tags: Set<string> }>();
  for (const row of section.matchAll(/^\| `(\w+)` \|([^|]*)\|([^|]*)\|/gm)) {
    const names = (cell: string): string[] => [...cell.matchAll(/`(\w+)`/g)].map((m) => m[1]);
    schema.set(row[1], { tags: new Set(['room', 'node', 'gateway', ...names(row[2])]), fields: new Set(names(row[3])) });
  }
  return schema;
}

const template = async (): Promise<Resource[]> => JSON.parse(await read('deploy/influxdb-dashboard.json')) as Resource[];

test('it is an InfluxDB 2 template: a bucket variable and one dashboard', async (t) => {
  const resources = await template();
  for (const r of resources) {
    t.is(r.apiVersion, 'influxdata.com/v2alpha1');
    t.regex(r.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'metadata.name is a DNS-style name');
  }
  t.deepEqual(resources.map((r) => r.kind), ['Variable', 'Dashboard']);
  const variable = resources[0].spec;
  t.is(variable.name, 'bucket');
  t.is(variable.type, 'query');
  t.is(variable.language, 'flux');
  t.regex(String(variable.query), /^buckets\(\)/);
});

test('every query reads v.bucket and names a measurement, field and grouping tags the gateway writes', async (t) => {
  const schema = await storedSchema();
  t.deepEqual([...schema.keys()], ['environment', 'node', 'power', 'input', 'broker'], 'the protocol table was parsed');
  const charts = (await template())[1].spec.charts as Chart[];
  const seen = new Set<string>();
  for (const chart of charts) {
    for (const { query } of chart.queries) {
      t.regex(query, /^from\(bucket: v\.bucket\)\n  \|> range\(start: v\.timeRangeStart, stop: v\.timeRangeStop\)/, chart.name);
      const m = /r\._measurement == "(\w+)" and r\._field == "(\w+)"/.exec(query);
      t.truthy(m, `${chart.name}: no measurement/field filter`);
      const [, measurement, field] = m!;
      t.true(schema.get(measurement)?.fields.has(field), `${chart.name}: ${measurement}.${field} is not written by the gateway`);
      const groupBy = /group\(columns: \[([^\]]*)\]\)/.exec(query)?.[1].match(/"(\w+)"/g)?.map((s) => s.slice(1, -1)) ?? [];
      for (const tag of groupBy) t.true(schema.get(measurement)!.tags.has(tag), `${chart.name}: no tag ${tag}`);
      seen.add(`${measurement}.${field}:${groupBy.join(',')}`);
    }
  }
  for (const wanted of ['environment.temperature:room', 'environment.humidity:room', 'environment.pressure:room', 'environment.illuminance:room',
    'node.battery:room,node', 'node.rssi:room,node', 'node.lost:room,node']) {
    t.true(seen.has(wanted), `the dashboard lacks ${wanted}`);
  }
});

test('charts sit on the 12-column grid without overlapping', async (t) => {
  const charts = (await template())[1].spec.charts as Chart[];
  const cells = new Set<string>();
  for (const c of charts) {
    t.true(c.xPos >= 0 && c.xPos + c.width <= 12, c.name);
    for (let x = c.xPos; x < c.xPos + c.width; x++) {
      for (let y = c.yPos; y < c.yPos + c.height; y++) {
        t.false(cells.has(`${x},${y}`), `${c.name} overlaps at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
    }
  }
});
