import { decodeLine, encodeLine, type Frame } from './line.ts';
import { ProtocolError } from './protocol-error.ts';
import { MAX_MESSAGE_BYTES } from './records.ts';

/** What became of a `TX` line (protocol section 2). */
export const TX_STATUSES = ['sent', 'queued', 'delivered', 'failed', 'expired', 'invalid'] as const;
export type TxStatus = (typeof TX_STATUSES)[number];

/** A frame from the broker, parsed. MACs are 12 lower-case hex digits. */
export type BrokerEvent =
  /** A radio message arrived; rssi in dBm, absent when the broker did not know it. */
  | { readonly type: 'rx'; readonly mac: string; readonly rssi?: number; readonly payload: Buffer }
  /** The broker started. */
  | { readonly type: 'boot'; readonly firmware: string; readonly brokerMac: string; readonly channel: number }
  /** Heartbeat; counters since the broker's boot, uptime in s. */
  | {
      readonly type: 'hb'; readonly uptimeS: number; readonly rx: number; readonly rxDropped: number;
      readonly tx: number; readonly txFailed: number; readonly queued: number;
    }
  /** Outcome of the `TX` line with this id. */
  | { readonly type: 'txr'; readonly id: number; readonly status: TxStatus };

/** A frame from the gateway to the broker, parsed (the broker's side, and the simulator's). */
export type GatewayCommand =
  | { readonly type: 'tx'; readonly id: number; readonly mac: string; readonly payload: Buffer }
  | { readonly type: 'time'; readonly unixS: number };

const MAC = /^[0-9a-f]{12}$/;
const HEX = /^(?:[0-9a-f]{2})+$/;
const UINT = /^(?:0|[1-9][0-9]*)$/;
const INT = /^-?(?:0|[1-9][0-9]*)$/;

function fail(frame: Frame, index: number, what: string): never {
  throw new ProtocolError('BAD_FIELD_FORMAT', `${frame.tag} field ${index + 1} ${JSON.stringify(frame.fields[index])}: not ${what}`);
}

function expectCount(frame: Frame, count: number): void {
  if (frame.fields.length !== count) {
    throw new ProtocolError('BAD_FIELD_COUNT', `${frame.tag} line has ${frame.fields.length} fields, expected ${count}`);
  }
}

const mac = (frame: Frame, i: number): string => (MAC.test(frame.fields[i]) ? frame.fields[i] : fail(frame, i, 'a MAC (12 lower-case hex digits)'));

function uint(frame: Frame, i: number, max = Number.MAX_SAFE_INTEGER, min = 0): number {
  const text = frame.fields[i];
  const value = UINT.test(text) ? Number(text) : NaN;
  return value >= min && value <= max ? value : fail(frame, i, `a decimal integer in ${min}..${max}`);
}

function payload(frame: Frame, i: number): Buffer {
  const text = frame.fields[i];
  return HEX.test(text) && text.length <= 2 * MAX_MESSAGE_BYTES ? Buffer.from(text, 'hex') : fail(frame, i, `lower-case hex of 1..${MAX_MESSAGE_BYTES} bytes`);
}

function rssi(frame: Frame, i: number): number | undefined {
  const text = frame.fields[i];
  if (text === '') return undefined;
  const value = INT.test(text) ? Number(text) : NaN;
  return value >= -128 && value <= 127 ? value : fail(frame, i, 'an RSSI in dBm (-128..127) or empty');
}

/**
 * Parses a broker frame (`RX`, `BOOT`, `HB`, `TXR`). Throws `ProtocolError`
 * `UNKNOWN_TAG`, `BAD_FIELD_COUNT` or `BAD_FIELD_FORMAT`.
 */
export function parseBrokerFrame(frame: Frame): BrokerEvent {
  switch (frame.tag) {
    case 'RX': {
      expectCount(frame, 3);
      const from = mac(frame, 0);
      const dbm = rssi(frame, 1);
      const bytes = payload(frame, 2);
      // Two literal shapes rather than a spread: this is the per-line hot path.
      return dbm === undefined ? { type: 'rx', mac: from, payload: bytes } : { type: 'rx', mac: from, rssi: dbm, payload: bytes };
    }
    case 'BOOT':
      expectCount(frame, 3);
      if (frame.fields[0] === '') fail(frame, 0, 'a firmware version');
      return { type: 'boot', firmware: frame.fields[0], brokerMac: mac(frame, 1), channel: uint(frame, 2, 255) };
    case 'HB':
      expectCount(frame, 6);
      return {
        type: 'hb', uptimeS: uint(frame, 0), rx: uint(frame, 1), rxDropped: uint(frame, 2),
        tx: uint(frame, 3), txFailed: uint(frame, 4), queued: uint(frame, 5),
      };
    case 'TXR': {
      expectCount(frame, 2);
      const status = frame.fields[1] as TxStatus;
      if (!TX_STATUSES.includes(status)) fail(frame, 1, `one of ${TX_STATUSES.join(', ')}`);
      return { type: 'txr', id: uint(frame, 0, 65535, 1), status };
    }
    default:
      throw new ProtocolError('UNKNOWN_TAG', `${frame.tag}: not a broker line tag (RX, BOOT, HB, TXR)`);
  }
}

/** Parses a gateway frame (`TX`, `TIME`); same errors as {@link parseBrokerFrame}. */
export function parseGatewayFrame(frame: Frame): GatewayCommand {
  switch (frame.tag) {
    case 'TX':
      expectCount(frame, 3);
      return { type: 'tx', id: uint(frame, 0, 65535, 1), mac: mac(frame, 1), payload: payload(frame, 2) };
    case 'TIME':
      expectCount(frame, 1);
      return { type: 'time', unixS: uint(frame, 0, 0xffffffff) };
    default:
      throw new ProtocolError('UNKNOWN_TAG', `${frame.tag}: not a gateway line tag (TX, TIME)`);
  }
}

/** `decodeLine` then `parseBrokerFrame`. */
export const parseBrokerLine = (line: string): BrokerEvent => parseBrokerFrame(decodeLine(line));

/** Checks a value as the parser would, so an encoder never writes a line the other side rejects. */
function checked<T>(line: string, parse: (frame: Frame) => T): string {
  parse(decodeLine(line));
  return line;
}

/** `TX,<id>,<mac>,<payload>*crc` without `\n`; `id` 1..65535, `mac` 12 lower-case hex digits. */
export function encodeTx(id: number, macHex: string, message: Uint8Array): string {
  return checked(encodeLine('TX', [String(id), macHex, Buffer.from(message).toString('hex')]), parseGatewayFrame);
}

/** `TIME,<unix seconds>*crc` without `\n`; fractions are dropped. */
export function encodeTime(unixS: number): string {
  return checked(encodeLine('TIME', [String(Math.floor(unixS))]), parseGatewayFrame);
}

/** The broker's line for an event (the broker firmware's job; used by the simulator and tests). */
export function encodeBrokerEvent(event: BrokerEvent): string {
  const fields = ((): string[] => {
    switch (event.type) {
      case 'rx': return [event.mac, event.rssi === undefined ? '' : String(event.rssi), event.payload.toString('hex')];
      case 'boot': return [event.firmware, event.brokerMac, String(event.channel)];
      case 'hb': return [event.uptimeS, event.rx, event.rxDropped, event.tx, event.txFailed, event.queued].map(String);
      case 'txr': return [String(event.id), event.status];
    }
  })();
  return checked(encodeLine(event.type.toUpperCase(), fields), parseBrokerFrame);
}
