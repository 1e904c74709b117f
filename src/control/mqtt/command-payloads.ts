import type { CommandRequest } from '../../commands/types.ts';
import type { SetTarget } from './topics.ts';

/** A set message turned into a request for the command queue, or why it cannot be. */
export type ParsedCommand =
  | { readonly ok: true; readonly request: CommandRequest }
  | { readonly ok: false; readonly reason: string };

const RELAY_STATES: Readonly<Record<string, 'on' | 'off' | 'toggle'>> = { ON: 'on', OFF: 'off', TOGGLE: 'toggle' };

/**
 * The request a set message asks for: a relay topic takes `ON`, `OFF` or
 * `TOGGLE` (any case, surrounding spaces ignored); an interval topic takes
 * whole seconds 1..65535 (`300`, or `300.0`). Anything else is refused with the reason.
 */
export function parseCommandPayload(target: SetTarget, payload: string): ParsedCommand {
  const text = payload.trim();
  if (target.type === 'relay') {
    const state = RELAY_STATES[text.toUpperCase()];
    if (state === undefined) return { ok: false, reason: `relay payload ${JSON.stringify(clip(text))} is not ON, OFF or TOGGLE` };
    return { ok: true, request: { type: 'relay', channel: target.channel, state } };
  }
  // Home Assistant's number entity may send `300.0`.
  const seconds = /^[0-9]{1,5}(?:\.0*)?$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= 1 && seconds <= 65535)) return { ok: false, reason: `interval payload ${JSON.stringify(clip(text))} is not whole seconds 1..65535` };
  return { ok: true, request: { type: 'interval', intervalS: seconds } };
}

const clip = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}...` : text);
