import { ProtocolError, decodeLine, decodeMessage, parseBrokerFrame, type BrokerEvent, type Message } from '../protocol/index.ts';
import type { Logger } from '../log.ts';
import type { NodeRegistry } from '../nodes/registry.ts';
import { heartbeatToPoint, messageToPoints } from '../readings/to-points.ts';
import type { Point } from '../points/point.ts';
import { ConsoleText } from './console-text.ts';

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
}

/**
 * The path of one serial line through the gateway: line -> frame -> broker
 * event -> radio message -> node registry -> points. Everything that is not
 * a valid frame or message is counted and dropped; nothing here throws.
 */
export class Pipeline {
  readonly counters: PipelineCounters = {
    frames: 0, consoleLines: 0, badFrames: 0, badMessages: 0, messages: 0, duplicates: 0, points: 0, brokerBoots: 0, heartbeats: 0,
  };
  private readonly deps: PipelineDeps;
  private readonly log: Logger;
  private readonly console: ConsoleText;

  constructor(deps: PipelineDeps) {
    this.deps = deps;
    this.log = deps.log.child({ stage: 'decode' });
    this.console = new ConsoleText(deps.log.child({ stage: 'broker-console' }), deps.now);
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
        break;
      case 'boot':
        this.counters.brokerBoots += 1;
        this.log.info({ firmware: event.firmware, brokerMac: event.brokerMac, channel: event.channel }, 'broker started');
        this.deps.onBrokerBoot?.();
        break;
      case 'txr':
        this.log.info({ id: event.id, status: event.status }, 'command status');
        break;
    }
  }

  private reject(line: string, error: unknown): void {
    if (!(error instanceof ProtocolError)) throw error;
    if (error.code === 'NOT_A_FRAME' || error.code === 'BAD_CRC' || error.code === 'TOO_LONG') {
      this.counters.consoleLines += 1;
      this.console.add(line, error);
    } else {
      this.counters.badFrames += 1;
      this.log.warn({ code: error.code, line: line.slice(0, 200) }, `bad broker frame: ${error.message}`);
    }
  }

  private onRx(mac: string, rssi: number | undefined, payload: Buffer): void {
    let message: Message;
    try {
      message = decodeMessage(payload);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.counters.badMessages += 1;
      this.log.warn({ node: mac, code: error.code }, `bad radio message: ${error.message}`);
      this.log.debug({ node: mac, hex: payload.toString('hex') }, 'bad radio message bytes');
      return;
    }
    const acceptance = this.deps.registry.accept(mac, rssi, message, this.deps.now());
    if (acceptance.duplicate) {
      this.counters.duplicates += 1;
      this.log.debug({ node: mac, boot: message.boot, seq: message.seq }, 'duplicate dropped');
      return;
    }
    this.counters.messages += 1;
    const { room, lost } = acceptance;
    this.log.debug({ node: mac, room, boot: message.boot, seq: message.seq, rssi, lost }, 'message');
    this.deps.submit((timeUs) => messageToPoints(message, { mac, room, gateway: this.deps.gateway, rssi, lost, timeUs }));
  }
}
