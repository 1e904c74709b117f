import type { IncomingHttpHeaders } from 'node:http';

/** Name of the session cookie the page keeps its control token in (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'espnow_session';

/** Query parameters that would carry a token in a URL: refused, never read. */
export const TOKEN_QUERY_PARAMS = ['token', 'access_token'] as const;

/** Where a request's token came from. */
export type CredentialSource = 'bearer' | 'cookie';

/** A token a request presented. */
export interface Credential {
  readonly token: string;
  readonly source: CredentialSource;
}

/**
 * The token of a request: `Authorization: Bearer <token>` first, else the
 * session cookie. `malformed` when an Authorization header is there but is
 * not a bearer token. Pure.
 */
export function credentialOf(headers: IncomingHttpHeaders): Credential | 'malformed' | undefined {
  const auth = headers.authorization;
  if (auth !== undefined) {
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(auth);
    return match ? { token: match[1], source: 'bearer' } : 'malformed';
  }
  const cookie = cookieValue(headers.cookie, SESSION_COOKIE);
  return cookie ? { token: cookie, source: 'cookie' } : undefined;
}

/** The value of cookie `name` in a `Cookie` header, undefined when absent or empty. Pure. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(value) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * True when a browser request comes from the page itself: an `Origin` whose
 * host:port is the `Host` the request went to, or an `X-Requested-With`
 * header (a cross-site form cannot set either). Guards cookie-authenticated
 * control against CSRF. Pure.
 */
export function sameOrigin(headers: IncomingHttpHeaders): boolean {
  if (headers['x-requested-with'] !== undefined) return true;
  const origin = headers.origin;
  const host = headers.host;
  if (origin === undefined || host === undefined || origin === 'null') return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

/** The `Set-Cookie` value that stores `token` for the page (HttpOnly, SameSite=Strict, Path=/; a session cookie). */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The `Set-Cookie` value that removes the session cookie. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
}

/** `url` with the values of token-like query parameters replaced, for logs. Pure. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url.slice(q + 1).split('&').map((pair) => {
    const name = pair.split('=')[0];
    return TOKEN_QUERY_PARAMS.some((p) => p === safeDecode(name).toLowerCase()) ? `${name}=[redacted]` : pair;
  });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
