import { procStats, type ProcStats } from '../proc-stats.ts';
import type { AckProxy } from '../ack-proxy.ts';
import { feedPty } from '../../test/helpers/pty-feed.ts';
import { sleep } from '../../test/helpers/wait-for.ts';

/** What {@link streamRun} measured of one process. */
export interface StreamRun {
  /** Points acknowledged at the proxy (expected: every point once). */
  points: number;
  /** From the first byte written to the pty to the last point acknowledged, s. */
  seconds: number;
  /** User + system CPU time of the process over the same span, s. */
  cpuS: number;
  /** Its peak RSS (VmHWM) at the last acknowledgement, bytes: start-up included. */
  peakRss: number;
  /** Uncompressed line protocol acknowledged, bytes. */
  bytes: number;
  /** False when the pty still had bytes nobody read as acknowledgements stopped. */
  fed: boolean;
}

/** How long acknowledgements may stop growing before the run ends with points missing, ms. */
const STALL_MS = 30_000;
/** The longest a run may take, ms. */
const TIMEOUT_MS = 600_000;

/**
 * Writes `stream` to the pty at `ptyPath` as fast as it takes it (a `cat`
 * process) and waits until the proxy has acknowledged `expected` more points,
 * or until no point has come for {@link STALL_MS} (or {@link TIMEOUT_MS} have
 * passed): then the run counts what arrived, up to the last acknowledgement.
 * CPU and VmHWM of process `pid` are read from /proc before the first byte
 * and at each acknowledgement.
 */
export async function streamRun(pid: number, ptyPath: string, stream: Buffer, expected: number, proxy: AckProxy): Promise<StreamRun> {
  const before = procStats(pid);
  const linesBefore = proxy.lines();
  const bytesBefore = proxy.bytes();
  const feed: { state: 'running' | 'done' | Error } = { state: 'running' };
  const started = performance.now();
  // Not awaited when the reader stops reading: cat ends when the pty goes away (an error nobody needs then).
  void feedPty(ptyPath, stream).then(() => { feed.state = 'done'; }, (err: Error) => { feed.state = err; });
  let last: { at: number; stats: ProcStats; points: number } = { at: started, stats: before, points: 0 };
  for (;;) {
    await sleep(100);
    if (feed.state instanceof Error) throw feed.state;
    const now = performance.now();
    const points = proxy.lines() - linesBefore;
    if (points > last.points) last = { at: now, stats: procStats(pid), points };
    if (points >= expected || now - last.at > STALL_MS || now - started > TIMEOUT_MS) break;
  }
  return {
    points: last.points,
    seconds: (last.at - started) / 1000,
    cpuS: last.stats.cpuS - before.cpuS,
    peakRss: last.stats.peakRss,
    bytes: proxy.bytes() - bytesBefore,
    fed: feed.state === 'done',
  };
}
