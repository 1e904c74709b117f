import { GatewayError } from '../errors.ts';

/** HTTP status of each refusal code, for the API's `{code, message}` answers. */
export const REFUSED_HTTP_STATUS = {
  /** A value out of range or missing (channel, auto-off, text length, empty limits): 400. */
  BAD_REQUEST: 400,
  /** The node was never heard nor configured: 404. */
  UNKNOWN_NODE: 404,
  /** The node has no such channel: 404. */
  NO_SUCH_CHANNEL: 404,
  /** The node lacks the capability (e.g. relay, text display, LEDs): 409. */
  NOT_SUPPORTED: 409,
  /** A toggle with no confirmed or pending state to toggle from: 409. */
  UNKNOWN_STATE: 409,
  /** Too many open commands, in total or for this node: 429. */
  TOO_MANY_PENDING: 429,
  /** No `HB` or `BOOT` from the broker for 30 s: 503. */
  BROKER_SILENT: 503,
  /** The queue is not running (before start, after stop): 503. */
  STOPPED: 503,
} as const;

/** Why the queue refused a command. */
export type CommandRefusedCode = keyof typeof REFUSED_HTTP_STATUS;

/**
 * A command the queue did not take; nothing was written and no id was used.
 * The message names the node and channel. `retryable` for a silent broker and
 * a full queue.
 */
export class CommandRefusedError extends GatewayError {
  declare readonly code: CommandRefusedCode;
  /** The HTTP status this refusal maps to (400, 404, 409, 429, 503). */
  readonly httpStatus: number;

  constructor(code: CommandRefusedCode, message: string) {
    super(code, message, { retryable: code === 'BROKER_SILENT' || code === 'TOO_MANY_PENDING' || code === 'STOPPED' });
    this.httpStatus = REFUSED_HTTP_STATUS[code];
  }
}
