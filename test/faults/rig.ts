import type { ExecutionContext } from 'ava';
import { join } from 'node:path';
import { spawnGateway, writeConfig, type GatewayProcess } from '../helpers/gateway-process.ts';
import { storedKeys } from '../helpers/numbered-frames.ts';
import { startPtyPair, type PtyPair } from '../helpers/pty-pair.ts';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.ts';
import { startVictoria, type Victoria } from '../helpers/victoria.ts';
import { sleep, waitFor } from '../helpers/wait-for.ts';

/** A real pty, a real VictoriaMetrics and a config for the real CLI; all stopped by the test's teardown. */
export interface Rig {
  dir: TempDir;
  pty: PtyPair;
  vm: Victoria;
  dataDir: string;
  spoolDir: string;
  /** Writes `gateway.yaml` with `influx` aimed at `url` (default the VM) and the given overrides. */
  configure(overrides?: { url?: string; token?: string; spool?: Record<string, unknown> }): Promise<string>;
  /** Runs `espnow-gateway run` and waits until it has the port open; killed at teardown. */
  start(config: string): Promise<GatewayProcess>;
  /** `<node>/<awake>` -> sample count in the VM. */
  stored(): Promise<Map<string, number>>;
  /** Waits until every key in `keys` is stored (bounded). */
  waitStored(keys: Iterable<string>, timeoutMs: number, what: string): Promise<Map<string, number>>;
  /** Writes `text` to the pty in pieces of `perWrite` lines, `gapMs` apart. */
  trickle(text: string, perWrite: number, gapMs: number): Promise<void>;
}

/** Sets up a {@link Rig} for one test. */
export async function startRig(t: ExecutionContext, name: string): Promise<Rig> {
  const dir = await makeTempDir(name);
  const pty = await startPtyPair();
  const vm = await startVictoria();
  const processes: GatewayProcess[] = [];
  t.teardown(async () => {
    for (const gw of processes) await gw.stop('SIGKILL');
    await pty.stop();
    await vm.stop();
    await dir.remove();
  });
  const dataDir = join(dir.path, 'data');
  const stored = async () => storedKeys(await vm.export('{__name__="node_awake"}'));
  return {
    dir,
    pty,
    vm,
    dataDir,
    spoolDir: join(dataDir, 'spool'),
    configure: (o = {}) =>
      writeConfig(dir.path, {
        gateway: 'fault-gw',
        dataDir,
        serial: { path: pty.gatewayPath, baudRate: 921600 },
        influx: { url: o.url ?? vm.url, org: 'home', bucket: 'sensors', token: o.token ?? 'secret', flushIntervalMs: 100 },
        ...(o.spool ? { spool: o.spool } : {}),
        clock: { requireSync: false },
      }),
    start: async (config) => {
      const gw = spawnGateway(['run', '--config', config]);
      processes.push(gw);
      await gw.waitForLog((l) => String(l.msg).startsWith('broker serial port'), 20_000, 'serial port open');
      return gw;
    },
    stored,
    waitStored: async (keys, timeoutMs, what) => {
      const wanted = [...keys];
      let last = new Map<string, number>();
      try {
        return await waitFor(async () => {
          last = await stored();
          return wanted.every((k) => last.has(k)) ? last : undefined;
        }, timeoutMs, what, 250);
      } catch (error) {
        const missing = wanted.filter((k) => !last.has(k));
        throw new Error(`${(error as Error).message}: ${missing.length} of ${wanted.length} missing, e.g. ${missing.slice(0, 5).join(' ')}`);
      }
    },
    trickle: async (text, perWrite, gapMs) => {
      const lines = text.split(/(?<=\n)/);
      for (let i = 0; i < lines.length; i += perWrite) {
        await pty.write(lines.slice(i, i + perWrite).join(''));
        await sleep(gapMs);
      }
    },
  };
}

/** Keys stored more than once. */
export const twice = (stored: Map<string, number>): string[] => [...stored].filter(([, n]) => n > 1).map(([k]) => k);
