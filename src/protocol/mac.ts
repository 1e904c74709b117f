import { ProtocolError } from './protocol-error.ts';

const PLAIN = /^[0-9a-f]{12}$/i;
const SEPARATED = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;

/** True when `text` is a MAC in the wire form: 12 lower-case hex digits. */
export function isWireMac(text: string): boolean {
  return PLAIN.test(text) && text === text.toLowerCase();
}

/**
 * Turns `a2:b2:c2:d2:e2:f2`, `A2-B2-C2-D2-E2-F2` or `a2b2c2d2e2f2` into the
 * protocol's form, 12 lower-case hex digits. Throws `ProtocolError` `BAD_MAC`
 * for anything else (one separator style per address).
 */
export function normalizeMac(text: string): string {
  if (PLAIN.test(text) || SEPARATED.test(text)) return text.replace(/[:-]/g, '').toLowerCase();
  throw new ProtocolError('BAD_MAC', `${JSON.stringify(text)}: not a MAC address (12 hex digits)`);
}

/** Formatted MACs by the text given; cleared past {@link FORMATTED_MAX} (a flood of spoofed MACs). */
const formatted = new Map<string, string>();
const FORMATTED_MAX = 4096;

/**
 * Formats a 12-hex-digit MAC as `aa:bb:cc:dd:ee:ff` (the `node` tag). The
 * same few MACs are formatted for every reading the API, the event stream
 * and MQTT show, so results are remembered.
 */
export function formatMac(mac12: string): string {
  let out = formatted.get(mac12);
  if (out === undefined) {
    out = normalizeMac(mac12).match(/../g)!.join(':');
    if (formatted.size >= FORMATTED_MAX) formatted.clear();
    formatted.set(mac12, out);
  }
  return out;
}
