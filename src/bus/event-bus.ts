import type { Logger } from '../log.ts';
import type { GatewayEvents } from './events.ts';

/** A handler of one event kind. */
export type Listener<K extends keyof GatewayEvents> = (event: GatewayEvents[K]) => void;

/**
 * The one stream of gateway events (src/bus/events.ts): the pipeline, the
 * command queue and the sink publish; outputs (display, API, MQTT, metrics,
 * alerts) subscribe. Delivery is synchronous, in subscription order. A
 * listener that throws is logged (at most once per listener and kind) and
 * never reaches the publisher: an output cannot stop a frame on its way to
 * the spool.
 */
export class EventBus {
  private readonly listeners = new Map<keyof GatewayEvents, Array<Listener<never>>>();
  private readonly failed = new WeakSet<object>();
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log.child({ stage: 'bus' });
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof GatewayEvents>(kind: K, listener: Listener<K>): () => void {
    const list = this.listeners.get(kind) ?? [];
    list.push(listener as Listener<never>);
    this.listeners.set(kind, list);
    return () => {
      const now = this.listeners.get(kind) ?? [];
      this.listeners.set(kind, now.filter((l) => l !== listener));
    };
  }

  /** Delivers `event` to every listener of `kind`. Never throws. */
  emit<K extends keyof GatewayEvents>(kind: K, event: GatewayEvents[K]): void {
    const list = this.listeners.get(kind);
    if (list === undefined) return;
    for (const listener of list) {
      try {
        (listener as Listener<K>)(event);
      } catch (err) {
        if (this.failed.has(listener)) continue;
        this.failed.add(listener);
        this.log.error({ err, event: kind }, `a ${kind} listener failed; it keeps receiving events, further failures are not logged`);
      }
    }
  }

  /** Listeners of `kind` (for tests and the bench). */
  count(kind: keyof GatewayEvents): number {
    return this.listeners.get(kind)?.length ?? 0;
  }
}
