import type { EventBus } from '../../bus/event-bus.ts';
import type { CommandQueueApi, CommandStatus } from '../../commands/types.ts';
import type { NodeView } from '../../nodes/node-store.ts';
import type { Service } from '../../gateway/service.ts';
import { METRICS_CONTENT_TYPE, renderExposition } from './exposition.ts';
import type { GatewayCounters, MetricsSnapshot, SinkMetrics, UdpMeterCounters } from './metrics-snapshot.ts';

/** Open commands are at most 64 (DEFAULT_COMMAND_LIMITS.maxOpen); this bound only guards the list call. */
const OPEN_COMMANDS_LIMIT = 10_000;

/** What the exporter reads, injected by the composition root. */
export interface MetricsDeps {
  readonly bus: EventBus;
  /** The node read model (NodeStore). */
  readonly nodes: { list(): NodeView[] };
  /** The command queue, for the commands still open. */
  readonly commands: Pick<CommandQueueApi, 'list'>;
  /** The pipeline's and the registry's counters since start. */
  counters(): GatewayCounters;
  /** The sink's backlog and errors. */
  sink(): SinkMetrics;
  /** The UDP power-meter listener's counters; absent when it does not run. */
  udpMeters?(): UdpMeterCounters;
  /** Wall time, ms since the epoch (the clock the bus events are stamped with). */
  now(): number;
}

/**
 * The Prometheus exporter: follows the bus for what only the bus knows
 * (command status changes, the broker's last HB or BOOT) and renders every
 * family from a snapshot taken at scrape time ({@link renderExposition}).
 * Serves nothing itself: `GET /metrics` is a route on the API's server
 * ({@link metricsRoutes}).
 */
export class MetricsService implements Service {
  readonly name = 'metrics';
  /** `Content-Type` of {@link MetricsService.render}'s text. */
  readonly contentType = METRICS_CONTENT_TYPE;
  private readonly deps: MetricsDeps;
  private readonly statusChanges: Partial<Record<CommandStatus, number>> = {};
  private brokerHeardMs: number | undefined;
  private unsubscribe: Array<() => void> = [];

  constructor(deps: MetricsDeps) {
    this.deps = deps;
  }

  start(): void {
    const { bus } = this.deps;
    this.unsubscribe = [
      bus.on('commandChanged', (command) => {
        this.statusChanges[command.status] = (this.statusChanges[command.status] ?? 0) + 1;
      }),
      bus.on('broker', (event) => {
        if (event.type === 'hb' || event.type === 'boot') this.brokerHeardMs = event.atMs;
      }),
    ];
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
  }

  /** Everything one scrape exports, now. */
  snapshot(): MetricsSnapshot {
    const openCommands: Partial<Record<CommandStatus, number>> = {};
    for (const command of this.deps.commands.list({ open: true, limit: OPEN_COMMANDS_LIMIT })) {
      openCommands[command.status] = (openCommands[command.status] ?? 0) + 1;
    }
    const udp = this.deps.udpMeters?.();
    return {
      nowMs: this.deps.now(),
      nodes: this.deps.nodes.list(),
      gateway: this.deps.counters(),
      sink: this.deps.sink(),
      openCommands,
      commandStatusChanges: { ...this.statusChanges },
      ...(this.brokerHeardMs === undefined ? {} : { brokerHeardMs: this.brokerHeardMs }),
      ...(udp ? { udp } : {}),
    };
  }

  /** The text exposition of {@link MetricsService.snapshot}. */
  render(): Promise<string> {
    return renderExposition(this.snapshot());
  }
}
