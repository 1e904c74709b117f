import { cron } from './cron.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log.ts';
import type { Service } from '../gateway/service.ts';
import type { BackupConfig } from './backup-config.ts';
import { createBackup, type BackupResult } from './create-backup.ts';
import { pruneArchives } from './retention.ts';

/** Starts a schedule that calls `run` at each time `expression` names (it resolves when that backup is done, never rejects); returns how to stop it. */
export type Scheduler = (expression: string, run: () => Promise<unknown>) => { stop(): void };

/** node-cron in the local time zone, its timer not keeping the process alive. */
export const cronScheduler: Scheduler = (expression, run) => {
  const task = cron().schedule(expression, run, { name: 'backup', noOverlap: true });
  task.unref();
  return { stop: () => void task.stop() };
};

/** What {@link BackupService} needs. */
export interface BackupServiceOptions {
  /** The config file the gateway runs with (copied into each archive). */
  readonly configFile: string;
  readonly config: Config & { readonly backup?: BackupConfig };
  readonly log: Logger;
  /** Default {@link cronScheduler}; tests pass one they trigger by hand. */
  readonly scheduler?: Scheduler;
  /** Wall clock, ms. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The scheduled backup: at each time `backup.schedule` names, one archive
 * to `backup.dir`, then this gateway's archives past the newest
 * `backup.keep` are deleted. Off (start does nothing) without a schedule. A
 * failed backup is logged at error and the schedule goes on; a run that
 * would start while one is still running is skipped.
 */
export class BackupService implements Service {
  readonly name = 'backup';
  private task: { stop(): void } | undefined;
  private running: Promise<BackupResult | undefined> | undefined;
  private readonly log: Logger;

  constructor(private readonly o: BackupServiceOptions) {
    this.log = o.log.child({ stage: 'backup' });
  }

  start(): void {
    const schedule = this.o.config.backup?.schedule;
    if (!schedule) return;
    this.task = (this.o.scheduler ?? cronScheduler)(schedule, () => this.runOnce());
    this.log.info({ schedule, dir: this.o.config.backup!.dir, keep: this.o.config.backup!.keep }, 'scheduled backup on');
  }

  /** Stops the schedule and waits for a backup under way. */
  async stop(): Promise<void> {
    this.task?.stop();
    this.task = undefined;
    await this.running;
  }

  /** One backup and the pruning after it; resolves with the archive, or undefined when it failed or one was running. */
  runOnce(): Promise<BackupResult | undefined> {
    if (this.running) {
      this.log.warn({}, 'scheduled backup skipped: the previous one is still running');
      return Promise.resolve(undefined);
    }
    this.running = this.backup().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async backup(): Promise<BackupResult | undefined> {
    const { config } = this.o;
    const b = config.backup!;
    try {
      const result = await createBackup({ configFile: this.o.configFile, config, toDir: b.dir, withSecrets: b.withSecrets, now: this.o.now, log: this.log });
      const deleted = await pruneArchives(b.dir, config.gateway, b.keep);
      if (deleted.length > 0) this.log.info({ dir: b.dir, deleted, keep: b.keep }, 'old backups deleted');
      return result;
    } catch (error) {
      this.log.error({ err: error, dir: b.dir }, `scheduled backup failed: ${(error as Error).message}`);
      return undefined;
    }
  }
}
