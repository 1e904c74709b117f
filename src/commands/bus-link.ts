import type { EventBus } from '../bus/event-bus.ts';
import type { CommandQueue } from './command-queue.ts';

/**
 * Feeds the command queue from the event bus: `TXR` lines and broker boots
 * (`broker` events) and RESULTs (`reading` events of kind RESULT), and keeps
 * the time the broker was last heard for {@link CommandQueue}'s "broker
 * silent" rule. Subscribes on start, unsubscribes on stop.
 */
export class CommandBusLink {
  readonly name = 'commands-bus';
  private heardMs: number | undefined;
  private readonly offs: Array<() => void> = [];

  constructor(private readonly bus: EventBus, private readonly commands: CommandQueue) {}

  /** Wall time of the last BOOT or HB line, ms; undefined before the first. */
  brokerHeardMs(): number | undefined {
    return this.heardMs;
  }

  start(): void {
    this.offs.push(this.bus.on('broker', (event) => {
      if (event.type === 'txr') return this.commands.onTxr(event.id, event.status);
      this.heardMs = event.atMs;
      if (event.type === 'boot') this.commands.onBrokerBoot();
    }));
    this.offs.push(this.bus.on('reading', (event) => {
      if (event.kind === 'RESULT') this.commands.onResult(event.mac, event.values, event.channels);
    }));
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
  }
}
