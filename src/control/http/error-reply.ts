import { CommandRefusedError } from '../../commands/command-refused-error.ts';
import { GatewayError } from '../../errors.ts';
import { HistoryQueryError, HistoryStoreError, HistoryUnavailableError } from '../../history/history-errors.ts';
import { ApiError, type ErrorBody } from './api-error.ts';

/** An error answer: status, extra headers, `{code, message}`. */
export interface ErrorReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ErrorBody;
  /** True for a fault of the gateway (500): logged at error with the stack. */
  readonly internal: boolean;
}

/** One ajv error as fastify hands it over (`error.validation`). */
export interface ValidationIssue {
  readonly instancePath: string;
  readonly message?: string;
  readonly keyword?: string;
  readonly params?: Record<string, unknown>;
}

const CONTEXT_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };
const STATUS_CODES: Record<number, string> = { 400: 'BAD_REQUEST', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 406: 'NOT_ACCEPTABLE', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/**
 * `body/state: must be equal to one of the allowed values (on, off, toggle)`:
 * where the first problem is (`body`, `query`, `params`) and what it is. Pure.
 */
export function validationMessage(context: string | undefined, issue: ValidationIssue): string {
  const params = issue.params ?? {};
  const extra = params.missingProperty ?? params.additionalProperty;
  const path = `${CONTEXT_NAMES[context ?? ''] ?? context ?? 'request'}${issue.instancePath}${extra === undefined ? '' : `/${String(extra)}`}`;
  const allowed = Array.isArray(params.allowedValues) ? ` (${params.allowedValues.join(', ')})` : '';
  return `${path}: ${issue.message ?? 'is not valid'}${allowed}`;
}

/** What to answer for `error`, thrown by a handler, a hook, a plugin or fastify itself. Pure. */
export function errorReply(error: unknown): ErrorReply {
  const answer = (status: number, code: string, message: string, headers: Record<string, string> = {}): ErrorReply =>
    ({ status, headers, body: { code, message }, internal: false });
  if (error instanceof ApiError) return answer(error.status, error.code, error.message, { ...error.headers });
  if (error instanceof CommandRefusedError) return answer(error.httpStatus, error.code, error.message);
  if (error instanceof HistoryQueryError) return answer(400, error.code, `query/${error.message}`);
  if (error instanceof HistoryUnavailableError) return answer(503, error.code, error.message);
  if (error instanceof HistoryStoreError) return answer(502, error.code, error.message);
  if (error instanceof GatewayError && error.code === 'HISTORY_NOT_CONFIGURED') return answer(503, error.code, error.message);
  const e = error as { validation?: ValidationIssue[]; validationContext?: string; statusCode?: number; message?: string };
  if (Array.isArray(e?.validation) && e.validation.length > 0) return answer(400, 'BAD_REQUEST', validationMessage(e.validationContext, e.validation[0]));
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return answer(e.statusCode, STATUS_CODES[e.statusCode] ?? 'BAD_REQUEST', e.message ?? 'bad request');
  }
  return { status: 500, headers: {}, body: { code: 'INTERNAL', message: 'internal error; the gateway log has the details' }, internal: true };
}
