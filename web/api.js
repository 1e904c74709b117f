/**
 * The gateway's HTTP API as the page uses it (docs/openapi.json). Every call
 * is same-origin; the control token lives only in the HttpOnly session cookie
 * that POST /api/session sets, never in this script's reach.
 */

/** An API answer that was not 2xx: the HTTP status and the API's `{code, message}`. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status
   * @param {string} code the API's error code, or `HTTP_<status>`
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** The answer means a (control) token is needed. */
  get needsToken() {
    return this.status === 401 || this.status === 403;
  }
}

/**
 * Fetches `path` and parses JSON; throws {@link ApiError} for a non-2xx answer
 * or a network failure (status 0).
 * @param {string} path
 * @param {RequestInit} [init]
 */
export async function call(path, init = {}) {
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', `gateway not reachable (${err instanceof Error ? err.message : err})`);
  }
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const message = body && typeof body.message === 'string' ? body.message : `${res.status} ${res.statusText}`.trim();
    throw new ApiError(res.status, body && typeof body.code === 'string' ? body.code : `HTTP_${res.status}`, message);
  }
  return body;
}

const json = (method, body) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Every node (NodeView[], from `{nodes}`). */
export async function getNodes() {
  const body = await call('/api/nodes');
  return Array.isArray(body) ? body : body?.nodes ?? [];
}

/** Whether this browser holds a session (the cookie is HttpOnly: only the server can tell). */
export const hasSession = () => call('/api/session').then(() => true, () => false);

/**
 * Asks for relay `state` of `channel`; resolves with the command (CommandView, 202).
 * @param {string} mac
 * @param {number} channel
 * @param {'on' | 'off' | 'toggle'} state
 */
export const putRelay = (mac, channel, state) =>
  call(`/api/nodes/${encodeURIComponent(mac)}/channels/${channel}/relay`, json('PUT', { state }));

/**
 * Trades a token for the session cookie.
 * @param {string} token
 */
export const login = (token) => call('/api/session', json('POST', { token }));

/**
 * History: one series per tag set, points `[timeMs, value | null]`.
 * @param {{node?: string, room?: string, measurement: string, field: string, fromMs: number, toMs: number, stepS: number}} q
 * @returns {Promise<{tags: Record<string, string>, points: [number, number | null][]}[]>}
 */
export async function getReadings(q) {
  const params = new URLSearchParams({
    measurement: q.measurement, field: q.field,
    from: new Date(q.fromMs).toISOString(), to: new Date(q.toMs).toISOString(), step: String(q.stepS),
  });
  if (q.node) params.set('node', q.node);
  if (q.room) params.set('room', q.room);
  const body = await call(`/api/readings?${params}`);
  return Array.isArray(body) ? body : body?.series ?? [];
}
