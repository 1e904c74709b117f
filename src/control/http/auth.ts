import type { FastifyRequest } from 'fastify';
import type { Logger } from '../../log.ts';
import { ApiError } from './api-error.ts';
import { credentialOf, sameOrigin, TOKEN_QUERY_PARAMS } from './credentials.ts';
import { TokenFileError, type TokenFile, type TokenIdentity } from './token-file.ts';

/** What a route needs: nothing, a `read` (or `control`) token unless reads are open, or a `control` token. */
export type Access = 'public' | 'read' | 'control';

/** The token a request was let in with, once {@link Auth.check} passed. */
export const requestToken = new WeakMap<FastifyRequest, TokenIdentity>();

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="espnow-gateway"' };

/**
 * Who may do what: bearer token or session cookie, checked against the
 * hashed tokens file; a cookie must come with a same-origin request to
 * control (CSRF). Tokens in the URL are refused before anything else.
 */
export class Auth {
  private readonly tokens: TokenFile;
  private readonly openReads: boolean;
  private readonly log: Logger;
  private lastProblem = '';

  constructor(tokens: TokenFile, openReads: boolean, log: Logger) {
    this.tokens = tokens;
    this.openReads = openReads;
    this.log = log;
  }

  /** Throws the 400 for `?token=` / `?access_token=`, whatever the route. */
  refuseTokenInUrl(req: FastifyRequest): void {
    const q = req.url.indexOf('?');
    if (q < 0) return;
    const names = new URLSearchParams(req.url.slice(q + 1)).keys();
    for (const name of names) {
      if ((TOKEN_QUERY_PARAMS as readonly string[]).includes(name.toLowerCase())) {
        throw new ApiError(400, 'TOKEN_IN_URL', `query/${name}: tokens are never accepted in URLs (they end up in logs and histories); send the header Authorization: Bearer <token>`);
      }
    }
  }

  /** Lets the request in or throws 401/403/503; remembers the token for the rate limit. */
  async check(req: FastifyRequest, access: Access): Promise<void> {
    if (access === 'public' || (access === 'read' && this.openReads)) return;
    const what = `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`;
    const credential = credentialOf(req.headers);
    if (credential === 'malformed') throw new ApiError(401, 'UNAUTHORIZED', 'Authorization: expected "Bearer <token>"', CHALLENGE);
    if (credential === undefined) {
      throw new ApiError(401, 'UNAUTHORIZED', `${what} needs a token with scope ${access}${access === 'read' ? ' or control' : ''}: send Authorization: Bearer <token> (make one with espnow-gateway token add --config FILE --scope ${access})`, CHALLENGE);
    }
    const identity = await this.verify(credential.token);
    if (!identity) {
      throw new ApiError(401, 'UNAUTHORIZED', `${credential.source === 'cookie' ? 'the session cookie holds' : 'Authorization:'} a token that ${this.tokens.path} does not hold (revoked, or from another gateway)`, CHALLENGE);
    }
    if (access === 'control' && identity.scope !== 'control') {
      throw new ApiError(403, 'FORBIDDEN', `token ${identity.id}${identity.label ? ` (${identity.label})` : ''} has scope read; ${what} needs a token with scope control`);
    }
    if (access === 'control' && credential.source === 'cookie' && !sameOrigin(req.headers)) {
      throw new ApiError(403, 'CSRF_CHECK_FAILED', `${what} with the session cookie needs an Origin header equal to the Host (${req.headers.host ?? 'none'}) or an X-Requested-With header`);
    }
    requestToken.set(req, identity);
  }

  /** The identity of `token`, or undefined. Throws 503 when the tokens file cannot be read. */
  async verify(token: string): Promise<TokenIdentity | undefined> {
    try {
      await this.tokens.refresh();
      this.lastProblem = '';
    } catch (error) {
      if (!(error instanceof TokenFileError)) throw error;
      if (error.message !== this.lastProblem) this.log.error({ file: this.tokens.path, err: error.message }, 'cannot read the API tokens file; requests that need a token are refused');
      this.lastProblem = error.message;
      throw new ApiError(503, error.code, error.message);
    }
    return this.tokens.verify(token);
  }
}
