import { CommandRefusedError, type CommandQueueApi } from '../../commands/types.ts';
import type { Logger } from '../../log.ts';
import { parseCommandPayload } from './command-payloads.ts';
import type { StatePublisher } from './state-publisher.ts';
import { refusalPayload } from './state-payloads.ts';
import { parseSetTopic } from './topics.ts';

/** What {@link SetHandler} needs. */
export interface SetHandlerOptions {
  readonly base: string;
  readonly commands: CommandQueueApi;
  readonly publisher: Pick<StatePublisher, 'refusal'>;
  readonly log: Logger;
  /** Wall time, ms since the epoch. */
  now(): number;
}

/**
 * Turns a message on a set topic into a command for the queue (source
 * `mqtt`). A retained message is never obeyed: it was sent some time ago to
 * whoever would listen, and a stale `ON` must not switch a heater on when the
 * gateway restarts. Every message that becomes no command is published on
 * `<base>/commands/refused` with the reason; an accepted one's statuses come
 * from the bus like every other command's.
 */
export class SetHandler {
  private readonly o: SetHandlerOptions;

  constructor(options: SetHandlerOptions) {
    this.o = options;
  }

  /** Handles one message; never throws. */
  handle(topic: string, payload: string, retained: boolean): void {
    const target = parseSetTopic(this.o.base, topic);
    if (!target) return;
    const refuse = (code: string, reason: string): void => {
      this.o.log.warn({ topic, code, reason }, `MQTT command on ${topic} refused: ${reason}`);
      this.o.publisher.refusal(refusalPayload(topic, payload, code, reason, this.o.now()));
    };
    if (retained) {
      refuse('RETAINED', `a retained command is never obeyed (it may be stale); publish commands without the retain flag, and clear this one: mosquitto_pub -r -n -t '${topic}'`);
      return;
    }
    const parsed = parseCommandPayload(target, payload);
    if (!parsed.ok) {
      refuse('BAD_PAYLOAD', parsed.reason);
      return;
    }
    try {
      const view = this.o.commands.submit(target.mac, parsed.request, 'mqtt');
      this.o.log.info({ topic, id: view.id, node: view.mac, room: view.room, status: view.status }, `MQTT command ${view.id} accepted`);
    } catch (error) {
      if (error instanceof CommandRefusedError) refuse(error.code, error.message);
      else refuse('INTERNAL', (error as Error).message);
    }
  }
}
