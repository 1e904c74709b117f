import { createHash } from 'node:crypto';
import type { EpdPins } from './hal.ts';
import type { HalOp } from './recording-hal.ts';

/** One event of the `epd-trace/1` format (described in test/fixtures/epd-traces/README.md). */
export type TraceEvent =
  | { cmd: number }
  | { data: number[] }
  | { reset: number[]; hold_ms: number[] }
  | { delay_ms: number }
  | { wait_busy: true }
  | { module_init: true }
  | { module_exit: true }
  /** Anything the format has no word for; never in a reference, so it fails a comparison. */
  | { unexpected: string };

/** What `epd-trace` prints. */
export interface Trace {
  events: TraceEvent[];
  /** SHA-256 of `[dc, byte]` pairs of every SPI byte, lowercase hex. */
  stream_sha256: string;
  /** SHA-256 of the canonical JSON of `events`. */
  events_sha256: string;
}

const isWrite = (op: HalOp | undefined, pin: number, level: number): boolean =>
  op?.op === 'write' && op.pin === pin && op.level === level;

/**
 * Turns a recorded HAL log into trace events the way the reference harness did:
 * PWR-high + SPI-open is `module_init`; SPI-close + RST, DC, PWR low is
 * `module_exit`; a run of RST writes with the waits after each is one `reset`;
 * each BUSY read is a `wait_busy`; consecutive data bytes merge. Pin set-up and
 * DC writes are not events (DC shows as cmd versus data).
 */
export function toTraceEvents(ops: readonly HalOp[], pins: EpdPins): TraceEvent[] {
  const events: TraceEvent[] = [];
  let dc = 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (isWrite(op, pins.pwr, 1) && ops[i + 1]?.op === 'spiOpen') {
      events.push({ module_init: true });
      i += 1;
    } else if (
      op.op === 'spiClose' && isWrite(ops[i + 1], pins.rst, 0) && isWrite(ops[i + 2], pins.dc, 0) && isWrite(ops[i + 3], pins.pwr, 0)
    ) {
      events.push({ module_exit: true });
      dc = 0;
      i += 3;
    } else if (op.op === 'write' && op.pin === pins.rst) {
      const reset: number[] = [];
      const hold: number[] = [];
      for (; ops[i]?.op === 'write' && (ops[i] as { pin: number }).pin === pins.rst; i++) {
        reset.push((ops[i] as { level: number }).level);
        const next = ops[i + 1];
        hold.push(next?.op === 'delay' ? next.ms : 0);
        if (next?.op === 'delay') i++;
      }
      i--;
      events.push({ reset, hold_ms: hold });
    } else if (op.op === 'write' && op.pin === pins.dc) {
      dc = op.level;
    } else if (op.op === 'spiWrite') {
      if (dc === 0) for (const b of op.bytes) events.push({ cmd: b });
      else {
        const last = events[events.length - 1];
        if (last && 'data' in last) for (const b of op.bytes) last.data.push(b);
        else events.push({ data: Array.from(op.bytes) });
      }
    } else if (op.op === 'read' && op.pin === pins.busy) {
      events.push({ wait_busy: true });
    } else if (op.op === 'delay') {
      events.push({ delay_ms: op.ms });
    } else if (op.op !== 'output' && op.op !== 'input') {
      events.push({ unexpected: JSON.stringify(op) });
    }
  }
  return events;
}

/** JSON with object keys sorted and no spaces, as the reference hashes it. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** `stream_sha256`: `[dc, value]` for every command and data byte, in order. */
export function streamSha256(events: readonly TraceEvent[]): string {
  const hash = createHash('sha256');
  for (const event of events) {
    if ('cmd' in event) hash.update(Uint8Array.of(0, event.cmd));
    if ('data' in event) {
      const pairs = new Uint8Array(event.data.length * 2);
      event.data.forEach((b, j) => { pairs[2 * j] = 1; pairs[2 * j + 1] = b; });
      hash.update(pairs);
    }
  }
  return hash.digest('hex');
}

/** `events_sha256`: SHA-256 of {@link canonicalJson} of the events. */
export function eventsSha256(events: readonly TraceEvent[]): string {
  return createHash('sha256').update(canonicalJson(events), 'utf8').digest('hex');
}

/** Events plus both hashes. */
export function makeTrace(ops: readonly HalOp[], pins: EpdPins): Trace {
  const events = toTraceEvents(ops, pins);
  return { events, stream_sha256: streamSha256(events), events_sha256: eventsSha256(events) };
}
