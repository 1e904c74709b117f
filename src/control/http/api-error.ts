import { GatewayError } from '../../errors.ts';

/** The body of every error answer: a stable code and a message naming the thing (node, channel, field, token). */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
}

/**
 * An error the API answers with as it is: HTTP `status` and `{code, message}`.
 * Codes: `BAD_REQUEST`, `BAD_MAC`, `TOKEN_IN_URL` (400), `UNAUTHORIZED` (401),
 * `FORBIDDEN`, `CSRF_CHECK_FAILED` (403), `UNKNOWN_NODE`, `NO_SUCH_CHANNEL`,
 * `UNKNOWN_COMMAND`, `NOT_FOUND` (404), `RATE_LIMITED` (429),
 * `HISTORY_NOT_CONFIGURED` (503), and the command queue's refusals.
 */
export class ApiError extends GatewayError {
  /** HTTP status. */
  readonly status: number;
  /** Extra response headers (`WWW-Authenticate`, `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(code, message, { retryable: status === 429 || status === 503 });
    this.status = status;
    this.headers = headers;
  }
}
