/** Longest `Prefer: wait=N` the API honours, s; a longer wait is cut to this. */
export const MAX_PREFER_WAIT_S = 30;

/**
 * The seconds asked for by `Prefer: wait=N` (RFC 7240), at most
 * {@link MAX_PREFER_WAIT_S}; undefined when the header asks for no wait (or
 * is not understood: a preference may be ignored). Pure.
 */
export function preferWaitS(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return undefined;
  for (const preference of text.split(',')) {
    const match = /^\s*wait\s*=\s*"?(\d{1,6})"?\s*(?:;.*)?$/i.exec(preference);
    if (match) return Math.min(Number(match[1]), MAX_PREFER_WAIT_S);
  }
  return undefined;
}
