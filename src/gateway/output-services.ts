import { readFileSync } from 'node:fs';
import type { EventBus } from '../bus/event-bus.ts';
import type { CommandQueue } from '../commands/command-queue.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log.ts';
import type { NodeStore } from '../nodes/node-store.ts';
import { packagePath } from '../package-root.ts';
import type { Message } from '../protocol/index.ts';
import type { Service } from './service.ts';

/** What the outputs may read and call; built by src/main.ts. */
export interface OutputContext {
  readonly config: Config;
  /** The config file the gateway runs with (the scheduled backup copies it); absent in the demo and tests. */
  readonly configFile?: string;
  readonly log: Logger;
  readonly bus: EventBus;
  readonly nodes: NodeStore;
  readonly commands: CommandQueue;
  /** Wall time, ms since the epoch. */
  now(): number;
  /** The gateway's own health for `GET /api/health`. */
  health(): object;
  /** Counters for the metrics (pipeline and registry). */
  counters(): import('../control/metrics/index.ts').GatewayCounters;
  /** Sink health and spool figures for the metrics. */
  sink(): import('../control/metrics/index.ts').SinkMetrics;
  /** Receives the list of firing alerts to show on the panel (names with their room). */
  onAlerts?(active: () => string[]): void;
  /** Where a message from another transport (UDP meters) enters the pipeline. */
  acceptMessage(mac: string, rssi: number | undefined, message: Message): void;
}

/** The web page's vendor files, from web/vendor.json: URL name -> absolute file under node_modules. */
function vendorFiles(): Record<string, string> {
  const names = JSON.parse(readFileSync(packagePath('web', 'vendor.json'), 'utf8')) as Record<string, string>;
  return Object.fromEntries(Object.entries(names).filter(([k]) => !k.startsWith('$')).map(([k, v]) => [k, packagePath('node_modules', v)]));
}

/**
 * The services the config turns on (HTTP API and page, Prometheus metrics,
 * UDP power meters, MQTT, scheduled backups), in start order. Each module is
 * imported only when its section is there, so a gateway with only the
 * pipeline configured does not load fastify, mqtt.js or prom-client.
 */
export async function outputServices(ctx: OutputContext): Promise<Service[]> {
  const { config, log } = ctx;
  const services: Service[] = [];
  let udpCounters: (() => import('../control/metrics/index.ts').UdpMeterCounters) | undefined;
  if (config.udpMeters) {
    const { UdpMeterListener } = await import('../control/udp-meters/index.ts');
    const udp = new UdpMeterListener({
      host: config.udpMeters.host, port: config.udpMeters.port, maxDatagramBytes: config.udpMeters.maxDatagramBytes, log,
      deliver: (m) => ctx.acceptMessage(m.mac, m.rssi, m.message),
    });
    udpCounters = () => udp.counters();
    services.push(udp);
  }
  const routes: Array<(app: import('fastify').FastifyInstance) => void | Promise<void>> = [];
  if (config.metrics) {
    const { MetricsService, metricsRoutes } = await import('../control/metrics/index.ts');
    const metrics = new MetricsService({
      bus: ctx.bus, nodes: ctx.nodes, commands: ctx.commands, now: ctx.now, counters: ctx.counters, sink: ctx.sink,
      ...(udpCounters ? { udpMeters: udpCounters } : {}),
    });
    routes.push((app) => metricsRoutes(app, { metrics }));
    services.push(metrics);
  }
  if (config.api) {
    const [{ createHttpApi }, { createHistoryStore }] = await Promise.all([import('../control/http/index.ts'), import('../history/index.ts')]);
    services.push(createHttpApi({
      config: config.api, nodes: ctx.nodes, commands: ctx.commands, bus: ctx.bus, log, now: ctx.now, health: ctx.health,
      history: createHistoryStore(config, { log }), routes,
      static: { root: packagePath('web'), vendor: vendorFiles() },
    }));
  }
  let mqtt: import('../control/mqtt/index.ts').MqttService | undefined;
  if (config.mqtt) {
    const { MqttService } = await import('../control/mqtt/index.ts');
    mqtt = new MqttService({ config: config.mqtt, gateway: config.gateway, nodes: ctx.nodes, bus: ctx.bus, commands: ctx.commands, log, now: ctx.now });
    services.push(mqtt);
  }
  if (config.alerts && config.alerts.rules.length > 0) {
    const { AlertsService } = await import('../control/alerts/index.ts');
    const alerts = new AlertsService({
      config: config.alerts, gateway: config.gateway, bus: ctx.bus, nodes: ctx.nodes, commands: ctx.commands, log, now: ctx.now,
      baseTopic: config.mqtt?.baseTopic,
      ...(mqtt ? { publish: (topic: string, payload: string) => void mqtt.publish(topic, payload) } : {}),
      spoolPercent: () => {
        const bytes = ctx.sink().backlogBytes;
        return bytes === undefined ? undefined : (100 * bytes) / config.spool.maxBytes;
      },
    });
    ctx.onAlerts?.(() => alerts.activeAlerts().map((a) => `${a.name}${a.labels.room ? ` (${a.labels.room})` : ''}`));
    services.push(alerts);
  }
  if (config.panels) {
    const { PanelBindings } = await import('../control/panel-bindings/index.ts');
    services.push(new PanelBindings({ panels: config.panels, nodes: ctx.nodes, bus: ctx.bus, commands: ctx.commands, log, now: ctx.now }));
  }
  if (config.backup?.schedule && ctx.configFile) {
    const { BackupService } = await import('../backup/backup-service.ts');
    services.push(new BackupService({ configFile: ctx.configFile, config, log }));
  }
  return services;
}
