import { readFile } from 'node:fs/promises';
import test from 'ava';
import protobuf from 'protobufjs';
import { POWER_METER_SCHEMA, REPORT_TYPE } from '../../../src/control/udp-meters/power-meter-schema.ts';

test('docs/power-meter.proto is exactly the schema the gateway decodes with', async (t) => {
  const text = await readFile(new URL('../../../docs/power-meter.proto', import.meta.url), 'utf8');
  const parsed = protobuf.parse(text);
  t.is(parsed.package, 'espnow.meter.v1');
  t.deepEqual(parsed.root.toJSON(), POWER_METER_SCHEMA as unknown as protobuf.INamespace);
  t.truthy(parsed.root.lookupType(REPORT_TYPE));
});
