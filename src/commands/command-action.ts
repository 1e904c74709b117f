/**
 * Commands as data, pure: checking what a caller asked for, the COMMAND
 * message of an action (protocol section 4), and how an action is named in
 * the log and in the `command` point. No state, no I/O.
 */
import { encodeMessage, encodeTx, KIND, record, type RecordDraft } from '../protocol/index.ts';
import { POWER_ON } from '../protocol/records.ts';
import { CommandRefusedError } from './command-refused-error.ts';
import type { CommandAction, CommandRequest, PowerOnState } from './types.ts';

/** Most bytes of UTF-8 a panel's text may have (record 0x58). */
export const MAX_TEXT_BYTES = 80;

const POWER_ON_RAW: Readonly<Record<PowerOnState, number>> = { off: POWER_ON.OFF, on: POWER_ON.ON, 'as-was': POWER_ON.AS_IT_WAS };

function bad(what: string, value: unknown, range: string): never {
  throw new CommandRefusedError('BAD_REQUEST', `${what} ${JSON.stringify(value)}: not ${range}`);
}

function checkInt(what: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) bad(what, value, `an integer in ${min}..${max}`);
}

function checkNumber(what: string, value: unknown, min: number, max: number, unit: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) bad(what, value, `a number of ${unit} in ${min}..${max}`);
}

/**
 * Checks the values of a request against the ranges of the record table;
 * throws {@link CommandRefusedError} `BAD_REQUEST` naming the field.
 */
export function checkRequest(request: CommandRequest): void {
  switch (request.type) {
    case 'relay':
      checkInt('channel', request.channel, 0, 255);
      if (!['on', 'off', 'toggle'].includes(request.state)) bad('state', request.state, 'on, off or toggle');
      if (request.autoOffS !== undefined) {
        checkInt('autoOffS', request.autoOffS, 0, 0xffff);
        if (request.state === 'off') bad('autoOffS', request.autoOffS, 'allowed with state off (it turns a relay off after it was switched on)');
      }
      return;
    case 'limits':
      checkInt('channel', request.channel, 0, 255);
      if (request.powerOnState !== undefined && !(request.powerOnState in POWER_ON_RAW)) bad('powerOnState', request.powerOnState, 'off, on or as-was');
      if (request.currentLimitA !== undefined) checkNumber('currentLimitA', request.currentLimitA, 0, 0xffffffff / 1000, 'A');
      if (request.humidityLimitPct !== undefined) checkNumber('humidityLimitPct', request.humidityLimitPct, 0, 100, '%RH');
      if (request.powerOnState === undefined && request.currentLimitA === undefined && request.humidityLimitPct === undefined) {
        throw new CommandRefusedError('BAD_REQUEST', `limits of channel ${request.channel}: give at least one of powerOnState, currentLimitA, humidityLimitPct`);
      }
      return;
    case 'interval':
      checkInt('intervalS', request.intervalS, 1, 0xffff);
      return;
    case 'text':
      if (typeof request.text !== 'string') bad('text', request.text, 'a string');
      if (Buffer.byteLength(request.text, 'utf8') > MAX_TEXT_BYTES) bad('text', request.text, `at most ${MAX_TEXT_BYTES} bytes of UTF-8`);
      return;
    case 'leds':
      checkInt('mask', request.mask, 0, 0xffffffff);
      return;
    default:
      bad('type', (request as { type: unknown }).type, 'relay, limits, interval, text or leds');
  }
}

/** The channel an action names (relay, limits), or undefined. */
export const actionChannel = (action: CommandAction | CommandRequest): number | undefined =>
  action.type === 'relay' || action.type === 'limits' ? action.channel : undefined;

/** The records after 0x51 for an action, in the order of the worked example of section 4. */
function actionRecords(action: CommandAction): RecordDraft[] {
  switch (action.type) {
    case 'relay': {
      const out = [record('channel', action.channel), record('relay', action.state === 'on' ? 1 : 0)];
      if (action.state === 'on' && action.autoOffS !== undefined) out.push(record('autoOff', action.autoOffS));
      return out;
    }
    case 'limits': {
      const out = [record('channel', action.channel)];
      if (action.powerOnState !== undefined) out.push(record('powerOnState', POWER_ON_RAW[action.powerOnState]));
      if (action.currentLimitA !== undefined) out.push(record('currentLimit', Math.round(action.currentLimitA * 1000)));
      if (action.humidityLimitPct !== undefined) out.push(record('humidityLimit', Math.round(action.humidityLimitPct * 100)));
      return out;
    }
    case 'interval': return [record('setInterval', action.intervalS)];
    case 'text': return [record('text', action.text)];
    case 'leds': return [record('leds', action.mask)];
  }
}

/**
 * The COMMAND message of one action: boot 0 and seq = the command id (the
 * gateway's counter; nodes tell commands apart by record 0x51, so seq needs
 * no counter of its own, and it matches the worked example of section 4).
 */
export function encodeCommand(id: number, action: CommandAction): Buffer {
  return encodeMessage({ kind: KIND.COMMAND, boot: 0, seq: id, records: [record('commandId', id), ...actionRecords(action)] });
}

/** The `TX` line (without `\n`) that sends `action` to `mac` (12 lower-case hex digits) as command `id`. */
export const commandTxLine = (id: number, mac: string, action: CommandAction): string => encodeTx(id, mac, encodeCommand(id, action));

/** The action in a few words, for the `action` field and the log: `relay on`, `interval 300`, `limits`. */
export function describeAction(action: CommandAction): string {
  switch (action.type) {
    case 'relay': return `relay ${action.state}`;
    case 'limits': return 'limits';
    case 'interval': return `interval ${action.intervalS}`;
    case 'text': return 'text';
    case 'leds': return `leds 0x${action.mask.toString(16)}`;
  }
}

/**
 * Which in-flight slot of a listening node an action takes: its channel, or
 * `node` for message-wide actions. One command per slot is out at a time.
 */
export const slotKey = (action: CommandAction): string => {
  const channel = actionChannel(action);
  return channel === undefined ? 'node' : `ch${channel}`;
};

/**
 * True when `newer` makes `older` pointless, so a waiting `older` is
 * superseded: same type and channel; for limits, only when `newer` sets every
 * setting `older` sets (else a setting would be lost).
 */
export function replaces(newer: CommandAction, older: CommandAction): boolean {
  if (newer.type !== older.type || actionChannel(newer) !== actionChannel(older)) return false;
  if (newer.type !== 'limits' || older.type !== 'limits') return true;
  return (older.powerOnState === undefined || newer.powerOnState !== undefined)
    && (older.currentLimitA === undefined || newer.currentLimitA !== undefined)
    && (older.humidityLimitPct === undefined || newer.humidityLimitPct !== undefined);
}
