import { decodeLine, decodeMessage, parseBrokerFrame } from '../src/protocol/index.ts';
import { SimulatedNode, type SimulatedNodeSpec } from '../src/demo/simulated-node.ts';
import { seededRandom } from '../src/demo/demo-nodes.ts';
import { encodeBrokerEvent, KIND } from '../src/protocol/index.ts';

/**
 * `count` RX lines (no `\r\n`) from `nodes` simulated nodes (src/demo), as a
 * real broker prints them, round-robin; `points` is how many points the
 * gateway makes of them (a HELLO gives one, a REPORT two).
 */
export function simulatedLines(count: number, nodes = 100, seed = 1): { lines: string[]; points: number } {
  const random = seededRandom(seed);
  const sims = Array.from({ length: nodes }, (_, i) => {
    const spec: SimulatedNodeSpec = {
      mac: `a2b2c2${i.toString(16).padStart(6, '0')}`, intervalS: 60, baseTempC: 18 + (i % 6), swingC: 3, baseHumidity: 50, peakLux: 500, batteryV: 4.0, rssi: -60 - (i % 25),
    };
    return new SimulatedNode(spec, random);
  });
  const lines: string[] = [];
  let points = 0;
  for (let k = 0; lines.length < count; k++) {
    const node = sims[k % nodes];
    for (const payload of node.wake((k / count) % 1)) {
      if (lines.length >= count) break;
      lines.push(encodeBrokerEvent({ type: 'rx', mac: node.spec.mac, rssi: node.rssi(), payload }));
      points += payload[1] === KIND.REPORT ? 2 : 1;
    }
  }
  return { lines, points };
}

/** Lines per second through decodeLine + parseBrokerFrame + decodeMessage, best of `rounds`. */
export function benchDecode(lines: readonly string[], rounds = 5): number {
  let best = 0;
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const started = process.hrtime.bigint();
    for (const line of lines) {
      const event = parseBrokerFrame(decodeLine(line));
      if (event.type === 'rx') sink += decodeMessage(event.payload).records.length;
    }
    const s = Number(process.hrtime.bigint() - started) / 1e9;
    best = Math.max(best, lines.length / s);
  }
  if (sink === 0) throw new Error('nothing decoded');
  return best;
}
