import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DisplayConfig } from '../config/types.ts';
import { GatewayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { EpdDriver } from '../../epd/epd-driver.ts';
import type { Hal } from '../../epd/hal.ts';
import { packPlane } from '../../epd/pack.ts';
import type { PanelModel } from '../../epd/panel-model.ts';
import { EPD_2IN13B_V4, panelByName } from '../../epd/panels.ts';
import { openRpioHal } from '../../epd/rpio-hal.ts';
import { localTime } from './local-time.ts';
import { decideRefresh, type RefreshAction, type RefreshHistory } from './refresh-policy.ts';
import { rasterizeInChild, type Rasterize } from './rasterize.ts';
import { buildScreenModel, type ScreenModel, type ScreenModelOptions } from './screen-model.ts';
import type { ScreenState } from './screen-state.ts';

/** Options of {@link Display}. */
export interface DisplayOptions {
  config: DisplayConfig;
  /** The PNG goes to `<dataDir>/screen.png`. */
  dataDir: string;
  log: Logger;
  /** Panel hardware; default rpio (GPIO + SPI0) when a panel is configured. */
  hal?: Hal;
  /** Wall clock, ms since epoch; default `Date.now`. */
  now?: () => number;
  /** The state to draw, read on every tick. */
  getState: () => ScreenState;
  /** IANA zone for clock times and quiet hours; default the system's. */
  timeZone?: string;
  /** Thresholds of the red marks; defaults in {@link ScreenModelOptions}. */
  marks?: Omit<ScreenModelOptions, 'timeZone'>;
  /** Model -> layout -> planes + PNG; default {@link rasterizeInChild} (keeps opentype.js and sharp out of the gateway's memory). */
  rasterize?: Rasterize;
}

/** Result of one {@link Display.tick}. */
export interface TickResult {
  /** Whether screen.png was written. */
  pngWritten: boolean;
  /** What the panel did (`none` also without a panel). */
  action: RefreshAction;
}

/**
 * How often the picture is rebuilt and the policy asked, ms: every 30 s, on
 * the wall clock's :00 and :30. A plain timer: node-cron would work out each
 * next run through `Intl` (about 6 MB of ICU data resident for good).
 */
export const TICK_MS = 30_000;

/**
 * What a picture shows apart from the clock: equal keys mean the same
 * picture, so the clock alone never redraws. `page` is the page drawn
 * (`page % pages`), `width` × `height` carry the orientation.
 */
const screenKey = ({ clock: _clock, ...model }: ScreenModel, width: number, height: number, page: number): string =>
  JSON.stringify({ ...model, width, height, page });

/**
 * The status screen: draws the gateway's state, writes it as a PNG whenever it
 * changes, and refreshes the e-ink panel within Waveshare's limits (see
 * refresh-policy.ts). A missing or failing panel is logged; the PNG goes on.
 */
export class Display {
  private readonly options: DisplayOptions;
  private readonly now: () => number;
  private readonly pngPath: string;
  private panel?: PanelModel;
  private driver?: EpdDriver;
  private timer?: NodeJS.Timeout;
  /** Aborted by {@link stop}: a drawing under way is abandoned. */
  private stopping = new AbortController();
  private running?: Promise<TickResult>;
  private readonly history: RefreshHistory = { partialsSinceFull: 0 };
  private pngKey?: string;
  private panelKey?: string;
  /**
   * Pages the last picture needed, as the rasteriser reported (they come from
   * the font's metrics, which stay in the child). The key of a tick uses
   * `page % pages`: exact whenever the model is the one drawn last, since the
   * page count depends only on the model and the size; a different model already
   * makes a different key, is drawn, and reports its own count. Only a page
   * flip compared with an older picture on the panel may wait one more tick.
   */
  private pages = 1;
  private panelOpened = false;
  private readonly rasterize: Rasterize;

  constructor(options: DisplayOptions) {
    this.options = options;
    this.rasterize = options.rasterize ?? rasterizeInChild();
    this.now = options.now ?? Date.now;
    this.pngPath = join(options.dataDir, 'screen.png');
  }

  /** Where the current picture is written. */
  get screenPath(): string {
    return this.pngPath;
  }

  /** Opens the panel (if configured) and schedules the ticks. Throws only on a refused config. */
  start(): void {
    this.openPanel();
    const { log } = this.options;
    const run = (): void => void this.tick().catch((err) => log.error({ err }, 'display tick failed'));
    const next = (): void => {
      this.timer = setTimeout(() => { run(); next(); }, TICK_MS - (Date.now() % TICK_MS));
    };
    next();
    run();
  }

  /** Once: checks the config against the panel and opens its hardware; a missing panel is only logged. */
  private openPanel(): void {
    if (this.panelOpened) return;
    this.panelOpened = true;
    const { config, log } = this.options;
    if (config.panel === 'none') {
      log.info({ png: this.pngPath }, 'no e-ink panel configured; drawing the PNG only');
      return;
    }
    const panel = panelByName(config.panel);
    if (panel.hasRed && config.minRefreshS < panel.minRefreshS) {
      this.panelOpened = false;
      throw new GatewayError(
        'DISPLAY_CONFIG',
        `display.minRefreshS: ${config.minRefreshS} s is below ${panel.minRefreshS} s, the least Waveshare allows between refreshes of the ${panel.name}; refusing to start the display`,
      );
    }
    try {
      const hal = this.options.hal ?? openRpioHal();
      this.driver = new EpdDriver(panel, hal, { pins: config.pins, busyTimeoutMs: config.busyTimeoutMs, log });
      this.panel = panel;
      log.info({ panel: panel.name, png: this.pngPath }, 'e-ink panel ready');
    } catch (error) {
      log.error({ err: error, panel: config.panel, png: this.pngPath }, 'e-ink panel unavailable; drawing the PNG only');
    }
  }

  /**
   * Cancels the schedule, abandons a drawing under way (its child is killed:
   * a slow drawing on a busy Pi must not eat the sink's last flush out of the
   * 5 s stop), waits for a panel refresh under way and cuts the panel's
   * power (it already sleeps; between partial refreshes it sleeps powered to keep its RAM).
   */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.running?.catch(() => undefined);
    this.stopping = new AbortController();
    this.driver?.powerOff();
  }

  /** Draws now, writes the PNG and refreshes the panel if its minimum interval allows. */
  refreshNow(): Promise<TickResult> {
    return this.tick(true);
  }

  /** One scheduled step: redraw, PNG on change, panel refresh by the policy. */
  async tick(force = false): Promise<TickResult> {
    if (this.running) return this.running;
    this.running = this.step(force).finally(() => { this.running = undefined; });
    return this.running;
  }

  private async step(force: boolean): Promise<TickResult> {
    this.openPanel();
    const { config } = this.options;
    const nowMs = this.now();
    const geometry = this.panel ?? EPD_2IN13B_V4;
    const [width, height] = config.orientation === 'portrait' ? [geometry.width, geometry.height] : [geometry.height, geometry.width];
    const model = buildScreenModel({ ...this.options.getState(), nowMs }, { ...this.options.marks, timeZone: this.options.timeZone });
    const page = Math.floor(nowMs / (config.minRefreshS * 1000));
    const key = screenKey(model, width, height, page % this.pages);
    const action = this.driver
      ? decideRefresh(this.history, nowMs, force || key !== this.panelKey, {
        minRefreshS: config.minRefreshS,
        partial: this.driver.partialReady,
        fullRefreshEvery: config.fullRefreshEvery,
        quietHours: config.quietHours,
        minuteOfDay: this.minuteOfDay(nowMs),
      })
      : 'none';
    const pngDue = force || action !== 'none' || key !== this.pngKey;
    if (!pngDue) return { pngWritten: false, action };
    const { screen, png, pages } = await this.rasterize({ model, width, height, page, hasRed: geometry.hasRed }, this.stopping.signal);
    this.pages = pages;
    const drawn = screenKey(model, width, height, page % pages);
    await this.writePng(png);
    this.pngKey = drawn;
    if (action !== 'none' && this.driver) {
      const black = packPlane(screen.black, geometry);
      const red = geometry.hasRed ? packPlane(screen.red, geometry) : undefined;
      if (await this.refreshPanel(action, { black, red }, nowMs)) this.panelKey = drawn;
    }
    return { pngWritten: true, action };
  }

  /** True when the panel shows `frame`; a failure is logged and retried once `minRefreshS` has passed. */
  private async refreshPanel(action: RefreshAction, frame: { black: Uint8Array; red?: Uint8Array }, nowMs: number): Promise<boolean> {
    const history = this.history;
    history.lastRefreshMs = nowMs;
    if (action === 'full') {
      history.lastFullMs = nowMs;
      history.partialsSinceFull = 0;
    } else history.partialsSinceFull += 1;
    // A full refresh on the B/W panel lays the picture down as the base of the partials
    // that follow (both RAM banks); the driver then keeps it in the sleeping panel's RAM.
    const mode = action === 'partial' ? 'partial' : this.panel?.partial && this.options.config.fullRefreshEvery > 0 ? 'base' : 'full';
    try {
      await this.driver!.refresh(frame, { mode });
      this.options.log.info({ panel: this.panel?.name, action, mode }, 'e-ink refreshed');
      return true;
    } catch (error) {
      // The driver powered the panel down: the next refresh is a full one (partialReady is false).
      this.options.log.error({ err: error, panel: this.panel?.name, action }, 'e-ink refresh failed; will retry after the minimum interval');
      return false;
    }
  }

  private async writePng(png: Buffer): Promise<void> {
    await mkdir(this.options.dataDir, { recursive: true });
    const tmp = `${this.pngPath}.tmp`;
    await writeFile(tmp, png);
    await rename(tmp, this.pngPath);
  }

  private minuteOfDay(nowMs: number): number {
    return localTime(this.options.timeZone).minuteOfDay(nowMs);
  }
}
