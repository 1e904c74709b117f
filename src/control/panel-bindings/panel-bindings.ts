import type { EventBus } from '../../bus/event-bus.ts';
import type { ReadingEvent } from '../../bus/events.ts';
import { CommandRefusedError, FINAL_STATUSES, type CommandQueueApi, type CommandRequest, type CommandView } from '../../commands/types.ts';
import type { Service } from '../../gateway/service.ts';
import type { Logger } from '../../log.ts';
import type { NodeStore } from '../../nodes/node-store.ts';
import { formatMac, normalizeMac } from '../../protocol/mac.ts';
import { EnergyToday } from './energy-today.ts';
import { ledMask } from './led-mask.ts';
import type { ButtonBinding, PanelConfig, PanelsConfig } from './panel-config.ts';
import { lcdText, outletText, problemText } from './panel-text.ts';

/** Options of {@link PanelBindings}. */
export interface PanelBindingsOptions {
  /** The `panels` section. */
  readonly panels: PanelsConfig;
  readonly nodes: NodeStore;
  readonly bus: EventBus;
  /** Where toggles, texts and LED masks go, with source `panel`. */
  readonly commands: CommandQueueApi;
  readonly log: Logger;
  /** Wall time, ms since the epoch. */
  now(): number;
  /** The calendar day of a time, for "energy today"; default the local day (src/control/panel-bindings/energy-today.ts). */
  readonly dayOf?: (ms: number) => string;
}

/** What the LCD says when the queue refuses a toggle, by refusal code (at most 20 characters each). */
const REFUSAL_TEXT: Readonly<Record<string, string>> = {
  BROKER_SILENT: 'broker silent', UNKNOWN_STATE: 'state unknown', UNKNOWN_NODE: 'outlet never heard',
  NO_SUCH_CHANNEL: 'no such outlet', NOT_SUPPORTED: 'outlet has no relay', TOO_MANY_PENDING: 'busy, try again',
  STOPPED: 'gateway stopping', BAD_REQUEST: 'bad binding',
};

/** What the LCD says when a toggle ends without `ok`, by final status. */
const FAILURE_TEXT: Readonly<Record<string, string>> = {
  failed: 'no radio ack', unconfirmed: 'not confirmed', unsupported: 'unsupported', invalid: 'invalid', expired: 'expired',
};

/** A command this service sent and still follows. */
type Followed =
  | { readonly kind: 'toggle'; readonly panel: string; readonly binding: ButtonBinding }
  | { readonly kind: 'leds'; readonly panel: string; readonly mask: number };

const channelKey = (mac: string, channel: number): string => `${mac}/${channel}`;

/**
 * Front-panel bindings (the rack PDU's controller): each button of a panel
 * node drives a channel of a socket node. A short press (record 0x16 = 1)
 * shows the outlet's power, current, energy today and relay on the panel's
 * LCD (0x58); a long press (2) toggles the relay through the command queue;
 * the panel's LEDs (0x59) follow the relays the sockets confirmed, sent when
 * the mask changes, on the first message heard from the panel (so a gateway
 * restart re-sends it) and after the panel's HELLO (the panel rebooted).
 * Refusals are logged and shown on the LCD.
 */
export class PanelBindings implements Service {
  readonly name = 'panels';
  private readonly o: PanelBindingsOptions;
  private readonly log: Logger;
  private readonly energy: EnergyToday;
  /** Socket MAC -> the panels binding one of its channels (filled by start()). */
  private readonly bySocket = new Map<string, PanelConfig[]>();
  /** Panel MAC -> the LED mask the queue last took for it. */
  private readonly sentMask = new Map<string, number>();
  private readonly followed = new Map<number, Followed>();
  private unsubscribe: Array<() => void> = [];

  constructor(options: PanelBindingsOptions) {
    this.o = options;
    this.log = options.log.child({ stage: 'panels' });
    this.energy = new EnergyToday(options.dayOf);
  }

  start(): void {
    for (const panel of Object.values(this.o.panels)) {
      for (const node of new Set(panel.buttons.map((b) => b.node))) this.bySocket.set(node, [...(this.bySocket.get(node) ?? []), panel]);
    }
    this.unsubscribe = [
      this.o.bus.on('reading', (e) => this.onReading(e)),
      this.o.bus.on('nodeChanged', (e) => this.onNodeChanged(e.mac)),
      this.o.bus.on('commandChanged', (c) => this.onCommand(c)),
    ];
    this.log.info({ panels: Object.keys(this.o.panels).length, sockets: this.bySocket.size }, 'panel bindings on');
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.bySocket.clear();
  }

  private onReading(e: ReadingEvent): void {
    if (this.bySocket.has(e.mac)) {
      for (const ch of e.channels) if (ch.energy !== undefined) this.energy.observe(channelKey(e.mac, ch.channel), e.atMs, ch.energy);
    }
    const panel = this.o.panels[e.mac];
    if (panel === undefined) return;
    if (e.kind === 'HELLO') this.sentMask.delete(panel.mac);
    if (!this.sentMask.has(panel.mac)) this.updateLeds(panel);
    for (const ch of e.channels) if (ch.press !== undefined) this.onPress(panel, ch.channel, ch.press);
  }

  private onNodeChanged(macText: string): void {
    let mac: string;
    try {
      mac = normalizeMac(macText);
    } catch {
      return;
    }
    for (const panel of this.bySocket.get(mac) ?? []) if (this.o.nodes.state(panel.mac)) this.updateLeds(panel);
  }

  private onPress(panel: PanelConfig, button: number, press: number): void {
    const binding = panel.buttons.find((b) => b.button === button);
    const log = this.log.child({ panel: formatMac(panel.mac), button, press });
    if (binding === undefined) {
      log.info('press of a button with no binding');
      this.show(panel.mac, lcdText([`button ${button}`, 'not bound']));
      return;
    }
    if (press === 1) this.show(panel.mac, outletText(this.figures(binding)));
    else if (press === 2) this.toggle(panel, binding);
    else log.debug('press neither short (1) nor long (2); ignored');
  }

  private figures(b: ButtonBinding): Parameters<typeof outletText>[0] {
    const state = this.o.nodes.state(b.node);
    const ch = state?.channels[b.channel];
    return {
      name: this.nameOf(b),
      power: ch?.power, current: ch?.current, relay: ch?.relay, trip: ch?.trip,
      energyTodayWh: this.energy.wh(channelKey(b.node, b.channel), this.o.now()),
    };
  }

  private nameOf(b: ButtonBinding): string {
    return b.name ?? `${this.o.nodes.state(b.node)?.room ?? 'unknown'} outlet ${b.channel}`;
  }

  private toggle(panel: PanelConfig, b: ButtonBinding): void {
    const where = { panel: formatMac(panel.mac), button: b.button, node: formatMac(b.node), channel: b.channel };
    try {
      const command = this.o.commands.submit(b.node, { type: 'relay', channel: b.channel, state: 'toggle' }, 'panel');
      this.followed.set(command.id, { kind: 'toggle', panel: panel.mac, binding: b });
      this.log.info({ ...where, command: command.id, reason: command.reason }, 'panel toggles an outlet');
    } catch (err) {
      if (!(err instanceof CommandRefusedError)) throw err;
      this.log.warn({ ...where, code: err.code, err: err.message }, 'toggle from the panel refused');
      this.show(panel.mac, problemText(this.nameOf(b), 'not switched:', REFUSAL_TEXT[err.code] ?? err.code));
    }
  }

  private updateLeds(panel: PanelConfig): void {
    const mask = ledMask(panel.buttons, (node, channel) => this.o.nodes.state(node)?.channels[channel]?.relay);
    if (this.sentMask.get(panel.mac) === mask) return;
    const command = this.send(panel.mac, { type: 'leds', mask });
    if (command === undefined) return;
    this.sentMask.set(panel.mac, mask);
    this.followed.set(command.id, { kind: 'leds', panel: panel.mac, mask });
  }

  private show(panel: string, text: string): void {
    this.send(panel, { type: 'text', text });
  }

  /** Submits to the panel; a refusal is logged and the command dropped (the next change sends again). */
  private send(panel: string, request: CommandRequest): CommandView | undefined {
    try {
      return this.o.commands.submit(panel, request, 'panel');
    } catch (err) {
      if (!(err instanceof CommandRefusedError)) throw err;
      this.log.warn({ panel: formatMac(panel), action: request.type, code: err.code, err: err.message }, `${request.type} for the panel refused`);
      return undefined;
    }
  }

  private onCommand(c: CommandView): void {
    const f = this.followed.get(c.id);
    if (f === undefined || !FINAL_STATUSES.has(c.status)) return;
    this.followed.delete(c.id);
    if (c.status === 'ok' || c.status === 'superseded') return;
    if (f.kind === 'leds') {
      if (this.sentMask.get(f.panel) === f.mask) this.sentMask.delete(f.panel);
      return;
    }
    this.log.warn({ panel: formatMac(f.panel), node: formatMac(f.binding.node), channel: f.binding.channel, command: c.id, status: c.status, reason: c.reason }, 'toggle from the panel did not succeed');
    this.show(f.panel, problemText(this.nameOf(f.binding), 'not switched:', FAILURE_TEXT[c.status] ?? c.status));
  }
}
