import { seededRandom } from '../../src/demo/demo-nodes.ts';
import { encodeBrokerEvent, encodeLine, encodeMessage, KIND, record } from '../../src/protocol/index.ts';
import { frameKey, nodeMac } from '../helpers/numbered-frames.ts';

/** What the gateway must count after reading a {@link garbageStream}. */
export interface GarbageExpectation {
  /** Lines the port emits (all but the over-long ones). */
  lines: number;
  overlongLines: number;
  frames: number;
  consoleLines: number;
  badFrames: number;
  badMessages: number;
  messages: number;
  duplicates: number;
  heartbeats: number;
  points: number;
  /** Messages lost in seq gaps, summed over nodes. */
  lost: number;
  /** `<node>/<seq>` of every message that must be stored (its `awake` = seq). */
  keys: string[];
}

const BANNER = [
  'ets Jun  8 2016 00:22:57',
  'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
  'MicroPython v1.27.0 on 2026-01-01; Generic ESP32 module with ESP32',
  'Type "help()" for more information.',
  '>>> ',
];
const TRACEBACK = ['Traceback (most recent call last):', '  File "main.py", line 42, in <module>', 'OSError: [Errno 116] ETIMEDOUT'];

/**
 * `total` lines (each ending `\r\n`) from a deterministic mix of valid RX
 * frames (some with unknown record types, some with a wrong-length record,
 * duplicates and seq gaps), heartbeats, and everything that must be dropped:
 * random bytes, bad CRCs, truncated and over-long lines, the MicroPython boot
 * banner and a traceback, unknown tags, wrong field counts, truncated radio
 * messages. Returns the bytes and what the gateway must count.
 */
export function garbageStream(total: number, nodes = 50, seed = 5): { bytes: Buffer; expect: GarbageExpectation } {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const seqs = new Array<number>(nodes).fill(-1);
  const recent: string[] = [];
  const parts: Buffer[] = [];
  const e: GarbageExpectation = {
    lines: 0, overlongLines: 0, frames: 0, consoleLines: 0, badFrames: 0, badMessages: 0, messages: 0, duplicates: 0, heartbeats: 0, points: 0, lost: 0, keys: [],
  };
  const line = (text: string | Buffer) => {
    parts.push(typeof text === 'string' ? Buffer.from(`${text}\r\n`, 'latin1') : Buffer.concat([text, Buffer.from('\r\n')]));
    e.lines += 1;
  };
  const consoleLine = (text: string | Buffer) => {
    line(text);
    e.consoleLines += 1;
  };
  const validFrame = (): string => {
    const node = pick(nodes);
    const gap = seqs[node] >= 0 && random() < 0.05 ? 1 + pick(3) : 0;
    seqs[node] += 1 + gap;
    e.lost += gap;
    const seq = seqs[node];
    const variant = random();
    const records = [record('temperature', 2000 + pick(500)), record('humidity', 4000 + pick(2000)), record('battery', 3700 + pick(400)), record('awake', seq)];
    if (variant < 0.06) records.push({ type: 0x7e, bytes: Buffer.from([1, 2, 3]) }); // unknown record type: skipped
    else if (variant < 0.12) records[0] = { type: 0x01, bytes: Buffer.from([1, 2, 3]) }; // i16 sent as 3 bytes: skipped
    const payload = encodeMessage({ kind: KIND.REPORT, boot: 1, seq, records });
    e.frames += 1;
    e.messages += 1;
    e.points += 2;
    e.keys.push(frameKey(node, seq));
    return encodeBrokerEvent({ type: 'rx', mac: nodeMac(node), rssi: -40 - pick(50), payload });
  };
  const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => {
    const b = pick(256);
    return b === 0x0a ? 0x20 : b;
  }));

  while (e.lines + e.overlongLines < total) {
    const roll = random();
    if (roll < 0.5) {
      const frame = validFrame();
      line(frame);
      recent.push(frame);
      if (recent.length > 20) recent.shift();
    } else if (roll < 0.55 && recent.length > 0) {
      line(recent[pick(recent.length)]); // heard twice
      e.frames += 1;
      e.duplicates += 1;
    } else if (roll < 0.56) {
      line(encodeBrokerEvent({ type: 'hb', uptimeS: e.lines, rx: e.messages, rxDropped: 0, tx: 0, txFailed: 0, queued: 0 }));
      e.frames += 1;
      e.heartbeats += 1;
      e.points += 1;
    } else if (roll < 0.64) {
      consoleLine(randomBytes(1 + pick(120)));
    } else if (roll < 0.72) {
      const good = encodeBrokerEvent({ type: 'hb', uptimeS: pick(1000), rx: 1, rxDropped: 0, tx: 0, txFailed: 0, queued: 0 });
      consoleLine(`${good.slice(0, -8)}${good.at(-8) === '0' ? '1' : '0'}${good.slice(-7)}`); // bad CRC
    } else if (roll < 0.80) {
      const good = encodeBrokerEvent({ type: 'rx', mac: nodeMac(pick(nodes)), rssi: -50, payload: encodeMessage({ kind: KIND.REPORT, boot: 1, seq: 1, records: [record('battery', 3000)] }) });
      consoleLine(good.slice(0, 1 + pick(good.length - 2))); // truncated (cable glitch, buffer overrun)
    } else if (roll < 0.81) {
      parts.push(Buffer.concat([randomBytes(1025 + pick(3000)), Buffer.from('\r\n')])); // over-long: dropped by the framer
      e.overlongLines += 1;
    } else if (roll < 0.83) {
      for (const text of random() < 0.5 ? BANNER : TRACEBACK) consoleLine(text);
    } else if (roll < 0.85) {
      line(encodeLine(random() < 0.5 ? 'FOO' : 'DEBUG', ['1', 'x'])); // unknown tag, valid CRC
      e.frames += 1;
      e.badFrames += 1;
    } else if (roll < 0.87) {
      line(encodeLine('RX', [nodeMac(pick(nodes)), '-50'])); // wrong field count
      e.frames += 1;
      e.badFrames += 1;
    } else if (roll < 0.89) {
      line(encodeLine('RX', [nodeMac(pick(nodes)), '-50', '01010100010001050a0b'])); // record runs past the end
      e.frames += 1;
      e.badMessages += 1;
    } else {
      const frame = validFrame();
      line(frame);
    }
  }
  return { bytes: Buffer.concat(parts), expect: e };
}
