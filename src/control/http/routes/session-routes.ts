import { ApiError } from '../api-error.ts';
import { requestToken } from '../auth.ts';
import type { ApiApp, RouteContext } from '../build-app.ts';
import { clearedSessionCookie, credentialOf, sameOrigin, sessionCookie } from '../credentials.ts';
import { errors, obj } from '../schemas.ts';

const tags = ['session'];
const Identity = obj({
  id: { type: 'string', description: 'First 8 hex digits of the token\'s hash' },
  scope: { enum: ['read', 'control'] }, label: { type: 'string' }, createdAt: { type: 'string' },
}, ['id', 'scope', 'label', 'createdAt']);

/**
 * The page's login: `POST /api/session` checks a token and keeps it in the
 * `espnow_session` cookie (HttpOnly, SameSite=Strict), `GET` says which
 * token the request carries, `DELETE` forgets it.
 */
export function sessionRoutes(app: ApiApp, { deps, auth }: RouteContext): void {
  app.post<{ Body: { token: string } }>('/api/session', {
    config: { access: 'public', rateLimit: { max: deps.config.controlRatePerMin, timeWindow: deps.tuning?.rateWindowMs ?? 60_000 } },
    schema: {
      tags, summary: 'Keep a token in an HttpOnly, SameSite=Strict cookie for the page',
      body: obj({ token: { type: 'string', minLength: 1 } }, ['token'], { additionalProperties: false }),
      response: { 204: { type: 'null', description: 'Cookie set' }, ...errors(400, 401, 403, 429) },
    },
  }, async (req, reply) => {
    if (req.headers.origin !== undefined && !sameOrigin(req.headers)) {
      throw new ApiError(403, 'CSRF_CHECK_FAILED', `POST /api/session from origin ${req.headers.origin}, not from this gateway (${req.headers.host ?? 'no Host'})`);
    }
    const identity = await auth.verify(req.body.token);
    if (!identity) throw new ApiError(401, 'UNAUTHORIZED', 'body/token: not a token of this gateway (make one with espnow-gateway token add)');
    req.log.info({ tokenId: identity.id, scope: identity.scope, label: identity.label, remote: req.ip }, 'session opened');
    return reply.code(204).header('Set-Cookie', sessionCookie(req.body.token)).header('Cache-Control', 'no-store').send(null);
  });

  app.get('/api/session', {
    config: { access: 'public' },
    schema: { tags, summary: 'Which token this request carries (the page cannot read its HttpOnly cookie)', response: { 200: Identity, ...errors(401) } },
  }, async (req) => {
    const credential = credentialOf(req.headers);
    const identity = credential && credential !== 'malformed' ? await auth.verify(credential.token) : undefined;
    if (!identity) throw new ApiError(401, 'UNAUTHORIZED', 'no valid token in the Authorization header or the session cookie');
    requestToken.set(req, identity);
    return identity;
  });

  app.delete('/api/session', {
    config: { access: 'public' },
    schema: { tags, summary: 'Forget the session cookie', response: { 204: { type: 'null', description: 'Cookie removed' } } },
  }, async (_req, reply) => reply.code(204).header('Set-Cookie', clearedSessionCookie()).send(null));
}
