import type { SinkStatus } from '../nodes/node-state.ts';
import type { Point } from '../points/point.ts';

export type { SinkStatus };

/**
 * Where points leave the gateway. `write()` never blocks on the network and
 * never throws for a server problem: a sink buffers (on disk) and reports its
 * health through `status()`.
 */
export interface Sink {
  /** Starts background sending. */
  start(): void;
  /** Accepts points; they are durable once the sink's fsync window has passed. */
  write(points: readonly Point[]): void;
  /** Final flush (bounded in time), then closes; unsent points stay on disk. */
  stop(): Promise<void>;
  /** Health for the display and `doctor`. */
  status(): SinkStatus;
}
