/**
 * Puts the front-panel controller's files (micropython/panel/* and lib/*) on
 * a simulated device's flash, as `mpremote cp` would, and builds its chips.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FirmwareRig, ROOT, patchConfig, q } from './harness.ts';

const FW = join(ROOT, 'micropython');

function copy(rig: FirmwareRig, from: string, to: string, replace: Record<string, string> = {}): void {
  for (const name of readdirSync(from)) {
    if (name.endsWith('.py')) rig.writeFile(`${to}/${name}`, replace[name] ?? readFileSync(join(from, name), 'utf8'));
  }
}

/** Options of a simulated panel. */
export interface PanelOptions {
  /** `espnow.json`; default: the broker a0b1c2d3e4f5 on channel 1. */
  pairing?: object;
  /** config.py lines to replace (values are Python source). */
  config?: Record<string, string>;
  /** false: no LCD backpack on the bus. Default true. */
  lcd?: boolean;
  /** A 74HC595 chain on SPI SCK 18: [latch pin, chips]. */
  hc595?: [number, number];
}

/** Adds a panel device `name` (not booted: see `bootPanel`). */
export function addPanel(rig: FirmwareRig, name: string, mac: string, options: PanelOptions = {}): void {
  const root = `/dev/${name}`;
  const cfg = patchConfig(readFileSync(join(FW, 'panel', 'config.py'), 'utf8'), options.config ?? {});
  copy(rig, join(FW, 'panel'), root, { 'config.py': cfg });
  copy(rig, join(FW, 'lib'), `${root}/lib`);
  rig.writeFile(`${root}/espnow.json`, JSON.stringify(options.pairing ?? { broker: 'a0b1c2d3e4f5', channel: 1 }));
  const hc = options.hc595 ? `(${options.hc595.join(', ')})` : 'None';
  // a booted device leaves sys.path at its own flash: the rig's modules are in /sim
  rig.py(`import sys\n_path = sys.path[:]\nsys.path[:] = ['/sim', '/fw/lib']\nimport panel_rig\nsys.path[:] = _path\npanel_rig.add(${q(name)}, ${q(mac)}, ${q(root)}, ${options.lcd === false ? 'False' : 'True'}, ${hc})`);
}

/** Powers the panel on now. */
export const bootPanel = (rig: FirmwareRig, name: string) => rig.py(`panel_rig.boot(${q(name)})`);
/** Holds the button on `pin` down for `ms` from now (or from `at`). */
export const pressButton = (rig: FirmwareRig, name: string, pin: number, ms: number, at?: number) =>
  rig.py(`panel_rig.press(${q(name)}, ${pin}, ${ms}, ${at ?? 'None'})`);
/** The 4 lines the panel's LCD shows. */
export const lcdScreen = (rig: FirmwareRig, name: string) => rig.json<string[]>(`panel_rig.screen(${q(name)})`);

/** What `panelState` reports. */
export interface PanelState {
  crashes: string[];
  boots: number;
  pins: Record<string, number>;
  chain?: number;
  presses?: number;
  errors?: number;
  text?: string;
}
/** Crashes, pin levels, the 74HC595 outputs and counters of a panel. */
export const panelState = (rig: FirmwareRig, name: string) => rig.json<PanelState>(`panel_rig.state(${q(name)})`);
