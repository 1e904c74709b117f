import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { redactUrl } from './credentials.ts';

/** How a request appears in a log line: method, URL with token-like parameters redacted, remote address; never a header. */
export const requestForLog = (req: { method?: string; url?: string; ip?: string; socket?: { remoteAddress?: string } }): Record<string, unknown> =>
  ({ method: req.method, url: redactUrl(req.url ?? ''), remote: req.ip ?? req.socket?.remoteAddress });

/**
 * Fastify's request log lines at debug instead of info (a busy page would
 * fill the journal), one line per request, with {@link requestForLog}.
 */
export class ApiLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { ...requestForLog(request), status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.warn({ ...line, err: error }, 'request errored');
    else request.log.debug(line, 'request');
  }
}
