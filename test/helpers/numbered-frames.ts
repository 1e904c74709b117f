import { encodeBrokerEvent, encodeMessage, formatMac, KIND, record } from '../../src/protocol/index.ts';
import type { ExportedSeries } from './victoria.ts';

/**
 * Frames whose points can be counted one by one in the time-series server:
 * node `i`'s message `seq` carries `awake = seq` (record 0x07, u16), so the
 * `node_awake` series of that node holds exactly one sample per stored
 * message. VictoriaMetrics keeps every sample it is sent, even two with the
 * same millisecond (checked by hand: a line sent twice is exported twice), so
 * a sample count above one means a point was stored twice.
 */

/** The MAC of numbered node `i` (0..65535), 12 hex digits: `a20000000000` + i. */
export const nodeMac = (i: number): string => `a2000000${i.toString(16).padStart(4, '0')}`;

/** Key of one message: `<node tag>/<seq>`. */
export const frameKey = (node: number, seq: number): string => `${formatMac(nodeMac(node))}/${seq}`;

/** The RX line (without `\r\n`) of node `node`'s REPORT number `seq` (0..65535): 6 samples once stored. */
export function numberedLine(node: number, seq: number, boot = 1): string {
  const payload = encodeMessage({
    kind: KIND.REPORT,
    boot,
    seq,
    records: [record('temperature', 2000 + (seq % 500)), record('humidity', 4000 + (seq % 100)), record('battery', 3900), record('awake', seq)],
  });
  return encodeBrokerEvent({ type: 'rx', mac: nodeMac(node), rssi: -60 - (node % 30), payload });
}

/** `count` frames round-robin over `nodes` nodes, starting at message `first` of each (keys in send order). */
export function numberedBatch(nodes: number, first: number, count: number): { text: string; keys: string[] } {
  const lines: string[] = [];
  const keys: string[] = [];
  for (let k = 0; k < count; k++) {
    const node = k % nodes;
    const seq = first + Math.floor(k / nodes);
    lines.push(numberedLine(node, seq));
    keys.push(frameKey(node, seq));
  }
  return { text: lines.map((l) => `${l}\r\n`).join(''), keys };
}

/** How many samples each `<node>/<awake>` key has in exported `node_awake` series. */
export function storedKeys(series: readonly ExportedSeries[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of series) {
    if (s.metric.__name__ !== 'node_awake') continue;
    for (const v of s.values) {
      const key = `${s.metric.node}/${v}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The `<node>/<awake>` key of a spooled `node` line-protocol line, or undefined for other lines. */
export function keyOfLine(line: string): string | undefined {
  if (!line.startsWith('node,')) return undefined;
  const node = /(?:^|,)node=([^, ]+)/.exec(line)?.[1];
  const awake = / (?:[^ ]*,)?awake=(\d+)i/.exec(line)?.[1];
  return node && awake ? `${node.replace(/\\/g, '')}/${awake}` : undefined;
}
