/**
 * The composition root: builds every stage and service from the config and
 * connects them; it does no stage work itself. A byte enters at the serial
 * port (src/serial), becomes a line, a frame and a radio message
 * (src/protocol), is checked against the node registry (src/nodes), timed by
 * the clock guard (src/clock), turned into points (src/readings) and leaves
 * through the sink (src/sinks: spool + InfluxDB, or line-protocol files). The
 * pipeline publishes on the event bus (src/bus); the outputs (the display,
 * later the API, MQTT, metrics) read the node read model (NodeStore) and
 * subscribe to the bus. Services start in order and stop in reverse
 * (src/gateway/service.ts); constructors only assign.
 */
import { join } from 'node:path';
import { EventBus } from './bus/event-bus.ts';
import { CommandBusLink } from './commands/bus-link.ts';
import { CommandQueue } from './commands/command-queue.ts';
import { ClockGuard, HeldJournal, heldPointsCodec, systemClock, type WallClock } from './clock/index.ts';
import { roomsFrom, type Config } from './config/index.ts';
import { Display } from './display/display.ts';
import type { Logger } from './log.ts';
import { NodeRegistry } from './nodes/registry.ts';
import { NodeStore } from './nodes/node-store.ts';
import { service, startServices, stopServices, type Service } from './gateway/service.ts';
import { SinkStatusWatch } from './sinks/sink-status-watch.ts';
import { outputServices } from './gateway/output-services.ts';
import type { SinkStatus } from './nodes/node-state.ts';
import { encodeTime } from './protocol/index.ts';
import { Stamper } from './readings/stamper.ts';
import { BrokerPort } from './serial/broker-port.ts';
import type { OpenPort, PortBinding } from './serial/open-port.ts';
import { FileSink } from './sinks/file-sink.ts';
import { InfluxSink } from './sinks/influx-sink.ts';
import type { Sink } from './sinks/sink.ts';
import { Spool } from './spool/spool.ts';
import { Pipeline, type PendingPoints } from './gateway/pipeline.ts';

/** How often the broker's clock is set while the gateway runs, ms (it also is on every broker boot). */
export const TIME_SYNC_INTERVAL_MS = 60 * 60 * 1000;

/** What {@link Gateway} needs besides the config; tests and the demo inject fakes. */
export interface GatewayOptions {
  config: Config;
  log: Logger;
  /** Serial opener and binding; default the real serial port. */
  openPort?: OpenPort;
  binding?: PortBinding;
  /** Check that the serial device node still exists while open (USB unplug detection). Default true; off for the demo's mock port. */
  watchDevice?: boolean;
  /** Wall/monotonic clock with sync state; default the system's. */
  clock?: WallClock;
  /** The config file (the scheduled backup copies it); absent in the demo and tests. */
  configFile?: string;
}

/** The running service. */
export class Gateway {
  /** Where the pipeline publishes and the outputs subscribe. */
  readonly bus: EventBus;
  readonly registry: NodeRegistry;
  /** The read model every output reads nodes from. */
  readonly nodes: NodeStore;
  /** The only writer of commands to the broker. */
  readonly commands: CommandQueue;
  readonly pipeline: Pipeline;
  readonly port: BrokerPort;
  readonly sink: Sink;
  readonly guard: ClockGuard<PendingPoints>;
  readonly display: Display;
  private config: Config;
  private readonly log: Logger;
  private readonly spool: Spool | undefined;
  private timeTimer: NodeJS.Timeout | undefined;
  /** In start order; stopped in reverse. */
  private readonly services: Service[];
  private readonly stopProgress: { current?: string } = {};
  private readonly options: GatewayOptions;
  private readonly commandLink: CommandBusLink;
  /** The alert service's firing alerts for the panel, once it is configured. */
  private activeAlerts: () => string[] = () => [];
  private readonly clock: WallClock;

  constructor(options: GatewayOptions) {
    const { config, log } = options;
    this.config = config;
    this.log = log;
    const clock = options.clock ?? systemClock();
    this.options = options;
    this.clock = clock;
    const stamper = new Stamper();
    this.bus = new EventBus(log);
    this.registry = new NodeRegistry({ rooms: roomsFrom(config), log });
    this.nodes = new NodeStore({ registry: this.registry, bus: this.bus, now: () => clock.now() });
    const { influx } = config;
    if (influx) {
      this.spool = new Spool({
        dir: join(config.dataDir, 'spool'),
        maxBytes: config.spool.maxBytes, fsyncIntervalMs: config.spool.fsyncIntervalMs, log,
      });
      this.sink = new InfluxSink({
        url: influx.url, org: influx.org, bucket: influx.bucket, token: influx.token, spool: this.spool, rejectedDir: join(config.dataDir, 'rejected'), log,
        flushIntervalMs: influx.flushIntervalMs, batchSize: influx.batchSize, timeoutMs: influx.timeoutMs,
      });
    } else {
      this.sink = new FileSink({ dir: join(config.dataDir, 'lines'), flushIntervalMs: config.spool.fsyncIntervalMs, log });
    }
    this.guard = new ClockGuard<PendingPoints>({
      clock,
      requireSync: config.clock.requireSync,
      log,
      // Readings taken before the clock syncs wait on disk, fsynced like the spool (see src/clock/held-journal.ts).
      journal: { store: new HeldJournal({ dir: join(config.dataDir, 'held'), fsyncIntervalMs: config.spool.fsyncIntervalMs, log }), ...heldPointsCodec },
      releaseGraceMs: 2 * config.spool.fsyncIntervalMs + 1000,
      release: (pending, wallMs) => {
        const points = pending(stamper.next(wallMs));
        this.pipeline.counters.points += points.length;
        if (points.length > 0) this.sink.write(points);
      },
    });
    this.pipeline = new Pipeline({
      gateway: config.gateway,
      registry: this.registry,
      submit: (pending) => this.guard.submit(pending),
      now: () => clock.now(),
      log,
      onBrokerBoot: () => void this.sendTime(),
      bus: this.bus,
    });
    const link: { current?: CommandBusLink } = {};
    this.commands = new CommandQueue({
      dataDir: config.dataDir, log, now: () => clock.now(),
      writeLine: (line) => this.port.write(line),
      brokerHeardMs: () => link.current?.brokerHeardMs(),
      node: (mac) => this.nodes.commandInfo(mac),
      // Every status change is a `command` point through the same clock guard and spool as the readings.
      record: (point) => this.guard.submit((timeUs) => [{ ...point, tags: { ...point.tags, gateway: config.gateway }, timeUs }]),
      onChange: (command) => this.bus.emit('commandChanged', command),
    });
    link.current = new CommandBusLink(this.bus, this.commands);
    this.commandLink = link.current;
    this.port = new BrokerPort({
      path: config.serial.path, baudRate: config.serial.baudRate, log, openPort: options.openPort, binding: options.binding,
      watchIntervalMs: options.watchDevice === false ? 0 : undefined,
    });
    this.display = new Display({
      config: config.display,
      dataDir: config.dataDir,
      log,
      now: () => clock.now(),
      getState: () => ({ nodes: this.registry.states(), sink: this.sink.status(), gateway: config.gateway, nowMs: clock.now(), alerts: this.activeAlerts() }),
    });
    this.services = [
      service('sink', () => this.openSink(), async () => {
        await this.sink.stop();
        this.guard.afterSinkClosed();
      }),
      service('clock', () => this.guard.start(), () => this.guard.stop()),
      new SinkStatusWatch(this.sink, this.bus),
      service('nodes', () => this.nodes.start(), () => this.nodes.stop()),
      service('display', () => this.display.start(), () => this.display.stop()),
      service('broker', () => this.openBroker(), async () => {
        clearInterval(this.timeTimer);
        await this.port.stop();
        this.pipeline.flushLogs();
      }),
      // After the port (which opens in the background, so no line is read before these subscribe); stopped before it,
      // so that the queue's last writes and its state file are done while the port is still open.
      link.current,
      service('commands', () => this.commands.start(), () => this.commands.stop()),
    ];
  }

  /** Starts every service in order; returns at once (the port opens in the background). */
  async start(): Promise<void> {
    // The outputs the config turns on (API, metrics, MQTT, ...) start last and stop first; their modules load only then.
    this.services.push(...await outputServices({
      config: this.config, configFile: this.options.configFile, log: this.log, bus: this.bus, nodes: this.nodes, commands: this.commands,
      now: () => this.clock.now(),
      health: () => ({ sink: this.sink.status(), clock: this.guard.status, broker: { heardMs: this.commandLink.brokerHeardMs() }, counters: this.pipeline.counters }),
      counters: () => ({ ...this.pipeline.counters, lost: this.registry.counters.lost }),
      sink: () => {
        const status = this.sink.status();
        const spool = this.spool?.stats();
        const influx = this.sink instanceof InfluxSink ? this.sink.stats() : undefined;
        return {
          reachable: status.reachable, backlogPoints: status.backlogPoints,
          ...(spool ? { backlogBytes: spool.pendingBytes } : {}), ...(influx ? { writeErrors: influx.writeErrors } : {}),
        };
      },
      acceptMessage: (mac, rssi, message) => this.pipeline.acceptMessage(mac, rssi, message),
      onAlerts: (active) => { this.activeAlerts = active; },
    }));
    await startServices(this.services, this.log);
    this.log.info({ gateway: this.config.gateway, serial: this.config.serial.path, sink: this.config.influx ? 'influx' : 'files', dataDir: this.config.dataDir }, 'gateway started');
  }

  /** Stops reading, then every service in reverse: the sink's last flush is bounded in time, the panel sleeps. */
  async stop(): Promise<void> {
    const stopMs = await stopServices(this.services, this.log, this.stopProgress);
    this.log.info({ ...this.pipeline.counters, heldReadings: this.guard.status.held, stopMs }, 'gateway stopped');
  }

  /** The service {@link stop} waits for now, if it is stopping. */
  stoppingService(): string | undefined {
    return this.stopProgress.current;
  }

  /** SIGHUP: takes the node names of a new, already validated config. Other keys need a restart. */
  reload(config: Config): void {
    this.registry.setRooms(roomsFrom(config));
    for (const node of this.registry.states()) this.bus.emit('nodeChanged', { mac: node.mac });
    this.config = config;
    this.log.info({ nodes: Object.keys(config.nodes).length }, 'node names reloaded');
  }

  /** Draws the screen now (PNG, and the panel when the refresh policy allows). */
  async refreshDisplay(): Promise<void> {
    await this.display.refreshNow();
  }

  /** Sink health, for the display and the demo summary. */
  sinkStatus(): SinkStatus {
    return this.sink.status();
  }

  private async openSink(): Promise<void> {
    if (this.spool) {
      const report = await this.spool.open();
      this.log.info({ stage: 'spool', ...report }, 'spool opened');
    }
    this.sink.start();
  }

  private openBroker(): void {
    this.port.on('line', (line) => this.pipeline.handleLine(line));
    this.port.on('open', () => void this.sendTime());
    this.port.start();
    this.timeTimer = setInterval(() => void this.sendTime(), TIME_SYNC_INTERVAL_MS);
    this.timeTimer.unref();
  }

  /** Sets the broker's clock (used in RECEIPTs) when ours is trustworthy. */
  private async sendTime(): Promise<void> {
    const wallMs = this.guard.wallMs();
    if (wallMs === undefined || !this.port.isOpen) return;
    try {
      await this.port.write(encodeTime(Math.floor(wallMs / 1000)));
    } catch (error) {
      this.log.warn({ err: error }, 'could not send TIME to the broker');
    }
  }
}
