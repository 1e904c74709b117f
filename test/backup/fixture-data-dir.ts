import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.ts';
import { encodeRecords } from '../../src/spool/record-codec.ts';
import { Spool } from '../../src/spool/spool.ts';
import { writeConfig } from '../helpers/gateway-process.ts';

/** The unsent line protocol of point `i` of a fixture spool (`tag` tells sets apart). */
export const fixtureLine = (tag: string, i: number): string => `environment,gateway=bk,node=${tag} temperature=${20 + i / 100} ${1_700_000_000_000_000 + i}`;

/** A spool under `dataDir` with `count` points, the first `acked` of them acknowledged (as a gateway with an outage leaves it). */
export async function fixtureSpool(dataDir: string, tag: string, count: number, acked = 0): Promise<void> {
  const spool = new Spool({ dir: join(dataDir, 'spool'), log: silentLogger, segmentBytes: 64 * 1024 + 16, maxBytes: 4 * 1024 * 1024 });
  await spool.open();
  spool.append(Array.from({ length: count }, (_, i) => fixtureLine(tag, i)));
  if (acked > 0) {
    const batch = await spool.read(acked);
    await spool.ack(batch!);
  }
  await spool.close();
}

/** Command state and log and one held-readings file, as a gateway leaves them. */
export async function fixtureState(dataDir: string): Promise<void> {
  await mkdir(join(dataDir, 'commands'), { recursive: true });
  await writeFile(join(dataDir, 'commands', 'state.json'), '{"format":1,"nextSerial":7,"checkpoints":[],"open":[]}\n00000000\n');
  await writeFile(join(dataDir, 'commands.jsonl'), '{"id":"c1","status":"done"}\n');
  await mkdir(join(dataDir, 'held'), { recursive: true });
  await writeFile(join(dataDir, 'held', '0000000000000001-0b7ad3f0-1111-2222-3333-444455556666.held'), encodeRecords(['r 5000000 held-payload']));
}

/** A config for `dir/data` with an inline token (or `influx` keys given) and no serial device needed to back up. */
export function fixtureConfig(dir: string, influx: Record<string, unknown> = { token: 'tok-inline-SECRET' }): Promise<string> {
  return writeConfig(dir, {
    gateway: 'bk', dataDir: join(dir, 'data'), serial: { path: '/dev/null' },
    influx: { url: 'http://127.0.0.1:9', org: 'home', bucket: 'sensors', ...influx },
    clock: { requireSync: false },
  });
}
