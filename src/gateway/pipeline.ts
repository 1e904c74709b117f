import { ProtocolError, decodeInterpreted, decodeLine, parseBrokerFrame, type BrokerEvent, type InterpretedMessage, type Message, type MessageView } from '../protocol/index.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { Logger } from '../log.ts';
import type { NodeRegistry } from '../nodes/registry.ts';
import { heartbeatToPoint, messageToPoints } from '../readings/to-points.ts';
import type { Point } from '../points/point.ts';
import { RateLimitedLog, type RateLimitOptions } from './rate-limited-log.ts';

/** Counters of the pipeline since start; the demo summary and `doctor` read them. */
export interface PipelineCounters {
  /** Lines that were valid frames. */
  frames: number;
  /** Lines that were not frames (console text, bad CRC, garbage). */
  consoleLines: number;
  /** Frames of a known tag that did not parse (wrong field count or format) or unknown tags. */
  badFrames: number;
  /** RX payloads that did not decode as a radio message. */
  badMessages: number;
  /** Radio messages accepted (after duplicates were dropped). */
  messages: number;
  /** Duplicates of (MAC, boot, seq) dropped. */
  duplicates: number;
  /** Points handed to the sink. */
  points: number;
  /** Broker boots and heartbeats seen. */
  brokerBoots: number;
  heartbeats: number;
}

/** A reading waiting for a trustworthy timestamp (see src/clock). */
export type PendingPoints = (timeUs: number) => Point[];

/** What the pipeline needs; built in src/main.ts. */
export interface PipelineDeps {
  /** This gateway's name, tag `gateway`. */
  gateway: string;
  registry: NodeRegistry;
  /**
   * Gives each reading its wall time: immediately when the clock is trusted,
   * later (rebased from monotonic time) when it is not yet synced.
   */
  submit: (pending: PendingPoints) => void;
  /** Wall clock for node state (last seen), ms. */
  now: () => number;
  log: Logger;
  /** Called on each broker BOOT (the gateway answers with a TIME line). */
  onBrokerBoot?: () => void;
  /** Where accepted messages, node changes and the broker's own lines are published for the outputs. */
  bus?: EventBus;
  /** Limits of the repeated log lines (console text, bad frames, bad messages), each kind on its own; defaults 20 lines a minute. */
  rateLimit?: RateLimitOptions;
}

/**
 * The path of one serial line through the gateway: line -> frame -> broker
 * event -> radio message -> node registry -> points. Everything that is not
 * a valid frame or message is counted and dropped; nothing here throws.
 * Anything in radio range can send such input, so its log lines are rate
 * limited per kind, with a count of the rest (src/gateway/rate-limited-log.ts).
 */
export class Pipeline {
  readonly counters: PipelineCounters = {
    frames: 0, consoleLines: 0, badFrames: 0, badMessages: 0, messages: 0, duplicates: 0, points: 0, brokerBoots: 0, heartbeats: 0,
  };
  private readonly deps: PipelineDeps;
  private readonly log: Logger;
  /** Broker console text, for the person debugging the broker. */
  private readonly consoleLog: RateLimitedLog;
  private readonly badFrameLog: RateLimitedLog;
  private readonly badMessageLog: RateLimitedLog;

  constructor(deps: PipelineDeps) {
    this.deps = deps;
    this.log = deps.log.child({ stage: 'decode' });
    this.consoleLog = new RateLimitedLog(deps.log.child({ stage: 'broker-console' }), { level: 'info', what: 'broker console lines' }, deps.rateLimit);
    this.badFrameLog = new RateLimitedLog(this.log, { level: 'warn', what: 'bad broker frames' }, deps.rateLimit);
    this.badMessageLog = new RateLimitedLog(this.log, { level: 'warn', what: 'bad radio messages' }, deps.rateLimit);
  }

  /** Writes the summaries of log lines left out by the rate limits now (at stop), here and in the registry. */
  flushLogs(): void {
    for (const limited of [this.consoleLog, this.badFrameLog, this.badMessageLog]) limited.flush();
    this.deps.registry.flushLogs();
  }

  /** Handles one line from the broker (without its newline). */
  handleLine(line: string): void {
    let event: BrokerEvent;
    try {
      const frame = decodeLine(line);
      this.counters.frames += 1;
      event = parseBrokerFrame(frame);
    } catch (error) {
      this.reject(line, error);
      return;
    }
    switch (event.type) {
      case 'rx':
        this.onRx(event.mac, event.rssi, event.payload);
        break;
      case 'hb':
        this.counters.heartbeats += 1;
        this.deps.submit((timeUs) => [heartbeatToPoint(event, { gateway: this.deps.gateway, timeUs })]);
        this.deps.bus?.emit('broker', { type: 'hb', atMs: this.deps.now(), uptimeS: event.uptimeS, queued: event.queued });
        break;
      case 'boot':
        this.counters.brokerBoots += 1;
        this.log.info({ firmware: event.firmware, brokerMac: event.brokerMac, channel: event.channel }, 'broker started');
        this.deps.onBrokerBoot?.();
        this.deps.bus?.emit('broker', { type: 'boot', atMs: this.deps.now(), firmware: event.firmware, brokerMac: event.brokerMac });
        break;
      case 'txr':
        this.log.debug({ id: event.id, status: event.status }, 'command status from the broker');
        this.deps.bus?.emit('broker', { type: 'txr', atMs: this.deps.now(), id: event.id, status: event.status });
        break;
    }
  }

  private reject(line: string, error: unknown): void {
    if (!(error instanceof ProtocolError)) throw error;
    if (error.code === 'NOT_A_FRAME' || error.code === 'BAD_CRC' || error.code === 'TOO_LONG') {
      this.counters.consoleLines += 1;
      this.consoleLog.add(error.code, { text: line.slice(0, 200) }, 'broker console');
    } else {
      this.counters.badFrames += 1;
      this.badFrameLog.add(error.code, { line: line.slice(0, 200) }, `bad broker frame: ${error.message}`);
    }
  }

  private onRx(mac: string, rssi: number | undefined, payload: Buffer): void {
    let message: InterpretedMessage;
    try {
      message = decodeInterpreted(payload);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.counters.badMessages += 1;
      this.badMessageLog.add(error.code, { node: mac }, `bad radio message: ${error.message}`);
      this.log.debug({ node: mac, hex: payload.toString('hex') }, 'bad radio message bytes');
      return;
    }
    this.accept(mac, rssi, message, message.view);
  }

  /**
   * Takes one decoded radio message as if it had arrived in an RX line: the
   * registry (duplicates, losses), the points, the bus. Also the entry of
   * messages that come another way (Wi-Fi power meters over UDP).
   */
  acceptMessage(mac: string, rssi: number | undefined, message: Message): void {
    this.accept(mac, rssi, message, undefined);
  }

  /** {@link acceptMessage}, with the message's view when it was decoded with it (an RX line's). */
  private accept(mac: string, rssi: number | undefined, message: Message, decodedView: MessageView | undefined): void {
    const atMs = this.deps.now();
    const acceptance = this.deps.registry.accept(mac, rssi, message, atMs, decodedView);
    if (acceptance.duplicate) {
      this.counters.duplicates += 1;
      this.log.debug({ node: mac, boot: message.boot, seq: message.seq }, 'duplicate dropped');
      return;
    }
    this.counters.messages += 1;
    const { room, lost, view, state } = acceptance;
    // Checked first: the line's fields would be an object per frame even with debug off.
    if (this.log.isLevelEnabled('debug')) this.log.debug({ node: mac, room, boot: message.boot, seq: message.seq, rssi, lost }, 'message');
    this.deps.submit((timeUs) => messageToPoints(message, { mac, room, gateway: this.deps.gateway, rssi, lost, timeUs, node: state }, view));
    const { bus } = this.deps;
    if (bus) {
      bus.emit('reading', { mac: state.mac, room, kind: view.kind, atMs, rssi, values: view.values, channels: view.channels });
      bus.emit('nodeChanged', { mac: state.mac });
    }
  }
}
