import test from 'ava';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackupService, type Scheduler } from '../../src/backup/backup-service.ts';
import { loadConfig } from '../../src/config/index.ts';
import { silentLogger } from '../../src/log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { writeConfig } from '../helpers/gateway-process.ts';
import { members } from './cli-run.ts';
import { fixtureSpool } from './fixture-data-dir.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

test('the scheduled backup: each trigger writes an archive, only the newest `keep` stay, other files are left alone', async (t) => {
  const dir = await makeTempDir('backup-service');
  t.teardown(() => dir.remove());
  const out = join(dir.path, 'archives');
  const configFile = await writeConfig(dir.path, {
    gateway: 'sched', dataDir: join(dir.path, 'data'), serial: { path: '/dev/null' },
    influx: { url: 'http://127.0.0.1:9', org: 'home', bucket: 'sensors', token: 'x' },
    backup: { schedule: '30 3 * * *', dir: out, keep: 3 },
  });
  const config = await loadConfig(configFile);
  t.deepEqual(config.backup, { schedule: '30 3 * * *', dir: out, keep: 3, withSecrets: false });
  await fixtureSpool(config.dataDir, 'q', 20);

  let fire: (() => Promise<unknown>) | undefined;
  let stopped = false;
  const scheduler: Scheduler = (expression, run) => {
    t.is(expression, '30 3 * * *');
    fire = run;
    return { stop: () => { stopped = true; } };
  };
  let now = Date.UTC(2025, 0, 1, 3, 30);
  const service = new BackupService({ configFile, config, log: silentLogger, scheduler, now: () => now });
  await service.start();
  t.truthy(fire, 'scheduled');
  mkdirSync(out);
  writeFileSync(join(out, 'keep-me.txt'), '');
  writeFileSync(join(out, 'espnow-gateway-other-20200101T000000.000Z.tar.gz'), '');
  const archives = (): string[] => readdirSync(out).filter((n) => n.startsWith('espnow-gateway-sched-')).sort();
  for (let day = 0; day < 5; day++) {
    await fire!(); // what node-cron does at 03:30
    t.is(archives().at(-1), `espnow-gateway-sched-${new Date(now).toISOString().replace(/[-:]/g, '')}.tar.gz`);
    now += DAY_MS;
  }
  const left = archives();
  t.deepEqual(left, ['20250103', '20250104', '20250105'].map((d) => `espnow-gateway-sched-${d}T033000.000Z.tar.gz`));
  t.true(readdirSync(out).includes('keep-me.txt') && readdirSync(out).includes('espnow-gateway-other-20200101T000000.000Z.tar.gz'), 'files of others are kept');
  const manifest = JSON.parse(members(join(out, left[2])).get('manifest.json')!.toString()) as { unsentPoints: number; createdAt: string };
  t.is(manifest.unsentPoints, 20);
  t.is(manifest.createdAt, '2025-01-05T03:30:00.000Z');
  await service.stop();
  t.true(stopped);
});

test('no backup.schedule: the service schedules nothing', async (t) => {
  const dir = await makeTempDir('backup-service-off');
  t.teardown(() => dir.remove());
  const configFile = await writeConfig(dir.path, { dataDir: join(dir.path, 'data'), serial: { path: '/dev/null' } });
  const config = await loadConfig(configFile);
  t.is(config.backup, undefined);
  let scheduled = false;
  const service = new BackupService({ configFile, config, log: silentLogger, scheduler: () => { scheduled = true; return { stop: () => undefined }; } });
  await service.start();
  await service.stop();
  t.false(scheduled);
});

test('backup.schedule that is not a cron expression is a config error naming the key', async (t) => {
  const dir = await makeTempDir('backup-config');
  t.teardown(() => dir.remove());
  const configFile = await writeConfig(dir.path, { dataDir: join(dir.path, 'data'), serial: { path: '/dev/null' }, backup: { schedule: 'every day', keep: 0 } });
  const error = await t.throwsAsync(loadConfig(configFile));
  t.regex(error!.message, /backup\.schedule: not a cron expression/);
  t.regex(error!.message, /backup\.keep: must be at least 1/);
});
