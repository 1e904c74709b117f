import type { LightMyRequestResponse } from 'fastify';
import { EventBus } from '../../../src/bus/event-bus.ts';
import { CommandQueue } from '../../../src/commands/command-queue.ts';
import type { CommandLimits } from '../../../src/commands/types.ts';
import type { ApiConfig } from '../../../src/config/types.ts';
import { buildApp, type ApiApp } from '../../../src/control/http/build-app.ts';
import type { HttpApiDeps, HttpApiTuning, StaticOptions } from '../../../src/control/http/http-api-deps.ts';
import { SseHub } from '../../../src/control/http/sse-hub.ts';
import { TokenFile } from '../../../src/control/http/token-file.ts';
import type { HistoryStore } from '../../../src/history/history-store.ts';
import type { Logger } from '../../../src/log.ts';
import { NodeRegistry } from '../../../src/nodes/registry.ts';
import { NodeStore } from '../../../src/nodes/node-store.ts';
import { silentLogger } from '../../../src/log.ts';
import { CAPABILITY_BITS, decodeMessage, encodeMessage, KIND, record, type RecordDraft } from '../../../src/protocol/index.ts';
import { ManualClock } from '../../commands/manual-clock.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/** A listening socket: relay on channels 1 and 2 (2 confirmed off). */
export const SOCKET = 'a2b2c2d2e2f3';
/** A listening sensor with no relay. */
export const SENSOR = 'a2b2c2d2e2f4';

/** The real read model, the real command queue (on a manual clock), real tokens; fastify driven by inject(). */
export interface ApiRig {
  app: ApiApp;
  deps: HttpApiDeps;
  bus: EventBus;
  registry: NodeRegistry;
  nodes: NodeStore;
  queue: CommandQueue;
  clock: ManualClock;
  /** TX lines the queue wrote. */
  lines: string[];
  /** Wall ms of the broker's last HB; undefined = silent. */
  heard: { ms: number | undefined };
  dir: string;
  tokens: TokenFile;
  /** A token of each scope. */
  read: string;
  control: string;
  /** `inject` with a bearer token (or none). */
  call(method: string, url: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Options of {@link startApiRig}. */
export interface ApiRigOptions {
  api?: Partial<ApiConfig>;
  limits?: Partial<CommandLimits>;
  history?: Pick<HistoryStore, 'query'>;
  tuning?: HttpApiTuning;
  static?: StaticOptions;
  log?: Logger;
  health?: () => object;
  routes?: HttpApiDeps['routes'];
}

const msg = (seq: number, records: RecordDraft[], kind: number = KIND.REPORT) => decodeMessage(encodeMessage({ kind, boot: 1, seq, records }));

/** Builds the rig: two nodes heard, the broker heard just now, one read and one control token in the tokens file. */
export async function startApiRig(options: ApiRigOptions = {}): Promise<ApiRig> {
  const dir = await makeTempDir('api');
  const clock = new ManualClock();
  const log = options.log ?? silentLogger;
  const bus = new EventBus(log);
  const registry = new NodeRegistry({ rooms: new Map([[SOCKET, 'Office'], [SENSOR, 'Kitchen']]), log });
  const nodes = new NodeStore({ registry, bus, now: () => clock.now });
  nodes.start();
  const at = clock.now - 1000;
  registry.accept(SOCKET, -50, msg(0, [record('firmware', 'socket-1.0'), record('capabilities', CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING | CAPABILITY_BITS.POWER_METER), record('interval', 60)], KIND.HELLO), at);
  registry.accept(SOCKET, -50, msg(1, [record('channel', 1), record('relay', 1), record('power', 250), record('channel', 2), record('relay', 0)]), at);
  registry.accept(SENSOR, -60, msg(0, [record('capabilities', CAPABILITY_BITS.ENVIRONMENT | CAPABILITY_BITS.LISTENING)], KIND.HELLO), at);
  registry.accept(SENSOR, -60, msg(1, [record('temperature', 2150)]), at);
  const lines: string[] = [];
  const heard = { ms: clock.now as number | undefined };
  const queue = new CommandQueue({
    dataDir: dir.path, log, now: () => clock.now, timers: clock,
    writeLine: async (line) => { lines.push(line); },
    brokerHeardMs: () => heard.ms, node: (mac) => nodes.commandInfo(mac), record: () => undefined,
    onChange: (view) => bus.emit('commandChanged', view), limits: options.limits,
  });
  await queue.start();
  const tokens = new TokenFile(`${dir.path}/api-tokens.json`);
  const read = (await tokens.add('read', 'script')).token;
  const control = (await tokens.add('control', 'phone')).token;
  const config: ApiConfig = { listen: '127.0.0.1:0', host: '127.0.0.1', port: 0, tokensFile: tokens.path, openReads: false, controlRatePerMin: 30, ...options.api };
  const deps: HttpApiDeps = {
    config, nodes, commands: queue, bus, log, now: () => clock.now,
    health: options.health ?? (() => ({ sink: { reachable: true, backlogPoints: 0 }, brokerHeardMs: heard.ms })),
    ...(options.history ? { history: options.history } : {}),
    ...(options.static ? { static: options.static } : {}),
    ...(options.tuning ? { tuning: options.tuning } : {}),
    ...(options.routes ? { routes: options.routes } : {}),
  };
  const hub = new SseHub({ bus, nodes, log });
  const app = await buildApp(deps, tokens, hub);
  await app.ready();
  return {
    app, deps, bus, registry, nodes, queue, clock, lines, heard, dir: dir.path, tokens, read, control,
    call: (method, url, o = {}) => app.inject({
      method: method as 'GET', url,
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    }),
    close: async () => {
      await app.close();
      await queue.stop();
      nodes.stop();
      await dir.remove();
    },
  };
}
