import type { Logger } from '../log.ts';

/**
 * One part of the running gateway with a lifecycle (zigbee2mqtt's
 * extensions): the constructor only assigns, `start()` does the I/O and
 * subscribes, `stop()` undoes it. The composition root (src/main.ts) starts
 * services in order and stops them in reverse.
 */
export interface Service {
  /** Short name for the log (`sink`, `broker`, `api`, ...). */
  readonly name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** A service from two functions, for the parts that are wired rather than written as classes. */
export const service = (name: string, start: () => void | Promise<void>, stop: () => void | Promise<void> = () => undefined): Service => ({ name, start, stop });

/**
 * Starts `services` in order. When one fails, those already started are
 * stopped in reverse and the error is thrown, so a half-started gateway
 * never keeps running.
 */
export async function startServices(services: readonly Service[], log: Logger): Promise<void> {
  const started: Service[] = [];
  for (const s of services) {
    try {
      await s.start();
      started.push(s);
    } catch (err) {
      log.error({ err, service: s.name }, `service ${s.name} failed to start; stopping the others`);
      await stopServices(started, log);
      throw err;
    }
  }
}

/**
 * Stops `services` in reverse order; one that fails is logged and the rest
 * still stop. Resolves with how long each took, ms (the stop log shows them:
 * the service has 5 s in all). `progress.current` names the service stopping
 * now, so a stop that runs out of time can say what it waited for.
 */
export async function stopServices(services: readonly Service[], log: Logger, progress: { current?: string } = {}): Promise<Record<string, number>> {
  const took: Record<string, number> = {};
  for (const s of [...services].reverse()) {
    progress.current = s.name;
    const start = performance.now();
    try {
      await s.stop();
    } catch (err) {
      log.error({ err, service: s.name }, `service ${s.name} failed to stop cleanly`);
    }
    took[s.name] = Math.round(performance.now() - start);
  }
  progress.current = undefined;
  return took;
}
