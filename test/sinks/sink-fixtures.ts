import { join } from 'node:path';
import type { Logger } from '../../src/log.ts';
import { bool, float, int, type Point } from '../../src/points/point.ts';
import { InfluxSink, type InfluxSinkOptions } from '../../src/sinks/influx-sink.ts';
import { Spool } from '../../src/spool/spool.ts';

const tags = { gateway: 'cupboard-pi', node: 'a2:b2:c2:d2:e2:f2', room: 'Kitchen' };

/** `n` environment points, 1 ms apart from `startUs` (VictoriaMetrics keeps ms). */
export const envPoints = (n: number, startUs = 1_700_000_000_000_000, first = 0): Point[] =>
  Array.from({ length: n }, (_, i) => ({
    measurement: 'environment',
    tags,
    fields: { temperature: float(20 + (first + i) / 100), humidity: float(40) },
    timeUs: startUs + (first + i) * 1000,
  }));

/** One point of each kind with int and bool fields. */
export const mixedPoints = (timeUs: number): Point[] => [
  { measurement: 'environment', tags, fields: { temperature: float(21.53), pressure: float(1013.25) }, timeUs },
  { measurement: 'node', tags, fields: { battery: float(3.912), rssi: int(-61), lost: int(0) }, timeUs },
  { measurement: 'power', tags: { ...tags, channel: '1' }, fields: { power: float(12.5), relay: bool(true) }, timeUs },
];

/** Opens a spool in `dataDir/spool` and builds an InfluxSink with test-sized intervals (rejected batches in `dataDir/rejected`). */
export async function makeInfluxSink(
  dataDir: string,
  log: Logger,
  options: Partial<InfluxSinkOptions> & { url: string },
): Promise<InfluxSink> {
  const spool = new Spool({ dir: join(dataDir, 'spool'), log, fsyncIntervalMs: 100 });
  await spool.open();
  return new InfluxSink({
    org: 'home',
    bucket: 'sensors',
    token: 'secret-token',
    spool,
    rejectedDir: join(dataDir, 'rejected'),
    log,
    flushIntervalMs: 50,
    minRetryMs: 100,
    maxRetryMs: 400,
    configRetryMs: 200,
    ...options,
  });
}
