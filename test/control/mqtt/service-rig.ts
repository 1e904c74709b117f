import type { ExecutionContext } from 'ava';
import { DEFAULT_STATE_INTERVAL_MS, type MqttConfig } from '../../../src/control/mqtt/mqtt-config.ts';
import { MqttService, type MqttTuning } from '../../../src/control/mqtt/mqtt-service.ts';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.ts';
import { recordingLog, type RecordingLog } from '../../helpers/recording-log.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { nodesRig, RecordingCommands, type NodesRig } from './mqtt-rig.ts';
import { observe, type Observer } from './observer.ts';

/** The base topic of every service test. */
export const BASE = 'espnow-gateway';

/** A mosquitto, the real read model and a started MqttService on it. */
export interface Rig {
  broker: Mosquitto;
  nodes: NodesRig;
  commands: RecordingCommands;
  service: MqttService;
  recorded: RecordingLog;
  /** An observer on every topic, started once the service is connected. */
  watch(options?: { username?: string; password?: string }): Promise<Observer>;
}

/** Options of {@link startRig}. */
export interface RigOptions {
  config?: Partial<MqttConfig>;
  users?: Record<string, string>;
  tuning?: MqttTuning;
  manualTimers?: boolean;
  /** Runs before the service starts (a stale retained command). */
  before?: (broker: Mosquitto) => Promise<void>;
  /** Start without waiting for the bridge to be online. */
  noWait?: boolean;
}

/** Starts a mosquitto and the service on it (torn down with the test); waits until connected unless `noWait`. */
export async function startRig(t: ExecutionContext, o: RigOptions = {}): Promise<Rig> {
  const broker = await startMosquitto(o.users ? { users: o.users } : {});
  const observers: Observer[] = [];
  t.teardown(async () => {
    for (const ob of observers) await ob.end();
    await service.stop();
    await broker.stop();
  });
  await o.before?.(broker);
  const nodes = nodesRig();
  const recorded = recordingLog('debug');
  const commands = new RecordingCommands(nodes.bus, () => nodes.clock.now);
  const config: MqttConfig = {
    url: broker.url, clientId: 'gateway-under-test', baseTopic: BASE, homeAssistant: { prefix: 'homeassistant' }, ...o.config,
    stateIntervalMs: o.config?.stateIntervalMs ?? DEFAULT_STATE_INTERVAL_MS,
  };
  const service = new MqttService({
    config, gateway: 'pi', nodes: nodes.nodes, bus: nodes.bus, commands, log: recorded.log, now: () => nodes.clock.now,
    version: '0.1.0', supportUrl: 'https://example.org/espnow-gateway',
    tuning: { reconnectMinMs: 100, reconnectMaxMs: 400, ...o.tuning }, ...(o.manualTimers ? { timers: nodes.clock } : {}),
  });
  const watch = async (auth: { username?: string; password?: string } = {}): Promise<Observer> => {
    const ob = await observe(broker.url, [`${BASE}/#`, 'homeassistant/#'], auth);
    observers.push(ob);
    return ob;
  };
  await service.start();
  if (!o.noWait) await waitFor(() => service.mqttClient?.connected, 5000, 'service connected');
  return { broker, nodes, commands, service, recorded, watch };
}
