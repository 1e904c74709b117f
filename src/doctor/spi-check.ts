import type { DisplayConfig } from '../config/index.ts';
import { fail, pass, skip, type CheckResult } from './check-result.ts';

/** Where the checks look; the real paths by default. */
export interface SpiPaths {
  /** Exists once `dtparam=spi=on` is active. Default `/dev/spidev0.0`. */
  spidev: string;
  /** The installed unit; its absence means the gateway is not run by systemd. */
  unit: string;
  /** The drop-in that grants rpio its /dev/mem access. */
  panelDropIn: string;
}

export const DEFAULT_SPI_PATHS: SpiPaths = {
  spidev: '/dev/spidev0.0',
  unit: '/etc/systemd/system/espnow-gateway.service',
  panelDropIn: '/etc/systemd/system/espnow-gateway.service.d/panel-spi.conf',
};

const NAME = 'SPI for the e-ink panel';

/**
 * When a panel is configured: SPI is enabled (the kernel made /dev/spidev0.0)
 * and, under systemd, the unit has the drop-in giving rpio /dev/mem access.
 */
export async function checkSpi(display: DisplayConfig, paths: SpiPaths, exists: (path: string) => Promise<boolean>): Promise<CheckResult> {
  if (display.panel === 'none') return skip(NAME, 'no panel configured (display.panel: none)');
  if (!(await exists(paths.spidev))) {
    return fail(NAME, `panel ${display.panel} configured, but ${paths.spidev} does not exist: SPI is off`,
      'sudo raspi-config nonint do_spi 0 (or dtparam=spi=on in /boot/firmware/config.txt), then sudo reboot');
  }
  if ((await exists(paths.unit)) && !(await exists(paths.panelDropIn))) {
    return fail(NAME, `${paths.spidev} present, but ${paths.panelDropIn} is missing: the service may not open /dev/mem, which rpio's SPI needs`,
      'sudo scripts/install-pi.sh --panel yes (installs the drop-in and the /dev/mem udev rule)');
  }
  return pass(NAME, `panel ${display.panel}: ${paths.spidev} present`);
}
