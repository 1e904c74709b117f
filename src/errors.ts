/**
 * One base error for the whole gateway. Every error carries a stable `code`
 * (for tests and logs) and says whether retrying the same operation can help,
 * so callers never parse messages to decide.
 */
export class GatewayError extends Error {
  /** Stable machine-readable code, e.g. `CONFIG_INVALID`, `BAD_CRC`. */
  readonly code: string;
  /** True when the same operation may succeed later (network, device busy). */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
