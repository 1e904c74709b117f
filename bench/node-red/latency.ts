import type { AckProxy } from '../ack-proxy.ts';
import { frameKey, numberedLine } from '../../test/helpers/numbered-frames.ts';
import type { PtyPair } from '../../test/helpers/pty-pair.ts';
import { sleep, waitFor } from '../../test/helpers/wait-for.ts';

/** Nodes the numbered frames come from, round-robin. */
const NODES = 100;

/**
 * Latency from writing a frame to the pty to its `node` point being
 * acknowledged at the proxy, ms ascending: `seconds` x 100 numbered frames
 * (test/helpers/numbered-frames.ts), one every 10 ms, as bench/run.ts
 * measures the gateway's. Waits up to 30 s after the last frame for the last
 * acknowledgements.
 */
export async function latenciesAt100(pty: PtyPair, proxy: AckProxy, seconds: number): Promise<number[]> {
  const written = new Map<string, number>();
  const acks = new Map<string, number>();
  proxy.acks = acks;
  try {
    const start = performance.now();
    for (let i = 0; i < seconds * 100; i++) {
      const due = start + i * 10;
      if (due > performance.now()) await sleep(due - performance.now());
      const node = i % NODES;
      const seq = Math.floor(i / NODES);
      written.set(frameKey(node, seq), performance.now());
      await pty.write(`${numberedLine(node, seq)}\r\n`);
    }
    const keys = [...written.keys()];
    await waitFor(() => keys.every((key) => acks.has(key)), 30_000, 'latency frames acknowledged', 100);
    return keys.map((key) => acks.get(key)! - written.get(key)!).sort((a, b) => a - b);
  } finally {
    proxy.acks = undefined;
  }
}
