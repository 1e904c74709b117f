import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ApiError } from './api-error.ts';
import { Auth, requestToken, type Access } from './auth.ts';
import { redactUrl } from './credentials.ts';
import { ApiLogController, requestForLog } from './request-log.ts';
import { errorReply } from './error-reply.ts';
import type { HttpApiDeps } from './http-api-deps.ts';
import { commandRoutes } from './routes/command-routes.ts';
import { eventRoutes } from './routes/event-routes.ts';
import { nodeRoutes } from './routes/node-routes.ts';
import { readingRoutes } from './routes/reading-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { SHARED_SCHEMAS } from './schemas.ts';
import type { SseHub } from './sse-hub.ts';
import { registerStatic } from './static-files.ts';
import type { TokenFile } from './token-file.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; default `read` under /api/, `public` elsewhere. */
    access?: Access;
  }
}

/** The fastify instance of the API (routes type their requests with fastify's route generics). */
export type ApiApp = FastifyInstance;

/** What every route module gets. */
export interface RouteContext {
  readonly deps: HttpApiDeps;
  readonly auth: Auth;
  readonly hub: SseHub;
  /** Resolves when the server starts closing: long waits (`Prefer: wait`) end then. */
  readonly closing: Promise<void>;
}

/** The API's version, in the OpenAPI document. */
export const API_VERSION = '1.0.0';

/**
 * Builds the fastify app (routes, hooks, error shape, OpenAPI) without
 * listening: `inject()` drives it in tests, {@link HttpApi} listens. Logs go
 * through `deps.log` (child `stage: api`), one debug line per request with
 * the URL's token-like parameters redacted; headers are never logged.
 */
export async function buildApp(deps: HttpApiDeps, tokens: TokenFile, hub: SseHub): Promise<ApiApp> {
  const log = deps.log.child({ stage: 'api' }, {
    serializers: { req: requestForLog },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'token'], censor: '[redacted]' },
  });
  const app: ApiApp = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new ApiLogController(),
    forceCloseConnections: true,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  });
  const auth = new Auth(tokens, deps.config.openReads, log);
  let closed!: () => void;
  const closing = new Promise<void>((resolve) => { closed = resolve; });
  app.addHook('preClose', async () => { closed(); hub.stop(); });

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'espnow-gateway', version: API_VERSION, description: 'Nodes, relay commands, history and live events of an ESP-NOW sensor gateway. Tokens: espnow-gateway token add --config FILE --scope read|control.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'espnow_session' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    keyGenerator: (req) => { const t = requestToken.get(req); return t ? `token:${t.id}` : `ip:${req.ip}`; },
    errorResponseBuilder: (_req, ctx) => new ApiError(429, 'RATE_LIMITED', `at most ${ctx.max} control requests per ${ctx.after === '1 minute' ? 'minute' : ctx.after} and token; retry in ${Math.ceil(ctx.ttl / 1000)} s`, { 'Retry-After': String(Math.ceil(ctx.ttl / 1000)) }),
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff').header('X-Frame-Options', 'DENY').header('Referrer-Policy', 'no-referrer');
    auth.refuseTokenInUrl(req);
    await auth.check(req, req.routeOptions.config?.access ?? (req.url.startsWith('/api/') ? 'read' : 'public'));
  });
  app.setErrorHandler(async (error, req, reply) => {
    const answer = errorReply(error);
    if (answer.internal) req.log.error({ err: error, method: req.method, url: redactUrl(req.url) }, 'request failed');
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
  app.setNotFoundHandler(async (req, reply) => reply.code(404).send({ code: 'NOT_FOUND', message: `no such route: ${req.method} ${req.url.split('?')[0]}` }));

  const ctx: RouteContext = { deps, auth, hub, closing };
  nodeRoutes(app, ctx);
  commandRoutes(app, ctx);
  readingRoutes(app, ctx);
  eventRoutes(app, ctx);
  sessionRoutes(app, ctx);
  app.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
  for (const add of deps.routes ?? []) await add(app);
  if (deps.static) registerStatic(app, deps.static);
  return app;
}
