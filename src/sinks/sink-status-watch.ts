import type { EventBus } from '../bus/event-bus.ts';
import type { Sink, SinkStatus } from './sink.ts';

/** How often the sink's health is looked at, ms. */
export const DEFAULT_SINK_WATCH_INTERVAL_MS = 1000;

const same = (a: SinkStatus | undefined, b: SinkStatus): boolean =>
  a !== undefined && a.reachable === b.reachable && a.backlogPoints === b.backlogPoints && a.lastError === b.lastError && a.storageProblem === b.storageProblem;

/**
 * Publishes the sink's health on the bus (`sinkStatus`) when it changes,
 * looked at every `intervalMs`: the sinks keep their state to themselves, and
 * the outputs (page, MQTT, alerts) learn of it here.
 */
export class SinkStatusWatch {
  readonly name = 'sink-status';
  private timer: NodeJS.Timeout | undefined;
  private last: SinkStatus | undefined;

  constructor(private readonly sink: Sink, private readonly bus: EventBus, private readonly intervalMs = DEFAULT_SINK_WATCH_INTERVAL_MS) {}

  start(): void {
    this.check();
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Looks now; publishes when anything changed. */
  check(): void {
    const status = this.sink.status();
    if (same(this.last, status)) return;
    this.last = status;
    this.bus.emit('sinkStatus', status);
  }
}
