import { silentLogger } from '../../src/log.ts';
import { CommandQueue } from '../../src/commands/command-queue.ts';
import type { CommandLimits, CommandNodeInfo, CommandPoint, CommandView } from '../../src/commands/types.ts';
import { CAPABILITY_BITS } from '../../src/protocol/index.ts';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.ts';
import { ManualClock } from './manual-clock.ts';

/** A sleepy sensor-and-relay node (no listening bit). */
export const SLEEPY = 'a2b2c2d2e2f2';
/** A listening socket with 4 channels. */
export const SOCKET = 'a2b2c2d2e2f3';
/** A listening node with no relay. */
export const SENSOR = 'a2b2c2d2e2f4';

/** A node the rig's read model knows; `relays` is the confirmed state per channel. */
export interface RigNode {
  room: string;
  capabilities?: number;
  channels: number[];
  relays: Map<number, boolean>;
}

export const defaultNodes = (): Map<string, RigNode> => new Map([
  [SLEEPY, { room: 'Hall', capabilities: CAPABILITY_BITS.RELAY | CAPABILITY_BITS.BATTERY, channels: [0, 1], relays: new Map() }],
  [SOCKET, { room: 'Office', capabilities: CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING | CAPABILITY_BITS.POWER_METER, channels: [0, 1, 2, 3], relays: new Map([[2, false]]) }],
  [SENSOR, { room: 'Kitchen', capabilities: CAPABILITY_BITS.ENVIRONMENT | CAPABILITY_BITS.LISTENING, channels: [], relays: new Map() }],
]);

/** A queue on a temp dataDir with a manual clock and recording deps. */
export interface QueueRig {
  queue: CommandQueue;
  clock: ManualClock;
  dir: string;
  /** TX lines written, in order. */
  lines: string[];
  points: CommandPoint[];
  changes: CommandView[];
  nodes: Map<string, RigNode>;
  /** Wall ms of the broker's last HB; undefined = never heard. */
  heard: { ms: number | undefined };
  /** When set, writeLine rejects with it. */
  writeError: { error: Error | undefined };
  /** Statuses of command `id` so far. */
  statuses(id: number): string[];
  /** A second queue on the same dataDir, as after a restart (this one must be stopped first). */
  restart(): Promise<QueueRig>;
  stop(): Promise<void>;
}

export async function startRig(options: { limits?: Partial<CommandLimits>; dir?: TempDir; clock?: ManualClock; nodes?: Map<string, RigNode> } = {}): Promise<QueueRig> {
  const dir = options.dir ?? await makeTempDir('commands');
  const clock = options.clock ?? new ManualClock();
  const nodes = options.nodes ?? defaultNodes();
  const lines: string[] = [];
  const points: CommandPoint[] = [];
  const changes: CommandView[] = [];
  const heard = { ms: clock.now as number | undefined };
  const writeError: { error: Error | undefined } = { error: undefined };
  const node = (mac: string): CommandNodeInfo | undefined => {
    const n = nodes.get(mac);
    return n && { room: n.room, capabilities: n.capabilities, channels: n.channels, relay: (ch) => n.relays.get(ch) };
  };
  const queue = new CommandQueue({
    dataDir: dir.path, log: silentLogger, now: () => clock.now, timers: clock,
    writeLine: async (line) => {
      if (writeError.error) throw writeError.error;
      lines.push(line);
    },
    brokerHeardMs: () => heard.ms, node, record: (p) => points.push(p), onChange: (v) => changes.push(v), limits: options.limits,
  });
  await queue.start();
  const rig: QueueRig = {
    queue, clock, dir: dir.path, lines, points, changes, nodes, heard, writeError,
    statuses: (id) => changes.filter((c) => c.id === id).map((c) => c.status),
    restart: () => startRig({ ...options, dir: { path: dir.path, remove: dir.remove }, clock, nodes }),
    stop: () => queue.stop(),
  };
  return rig;
}

/** Stops the rig and removes its dataDir. */
export async function endRig(rig: QueueRig): Promise<void> {
  await rig.stop();
  const { rm } = await import('node:fs/promises');
  await rm(rig.dir, { recursive: true, force: true });
}
