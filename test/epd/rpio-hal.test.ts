import test from 'ava';
import { existsSync } from 'node:fs';
import { EpdDriver } from '../../epd/epd-driver.ts';
import { blankPlane } from '../../epd/pack.ts';
import { EPD_2IN13B_V4 } from '../../epd/panels.ts';
import { openRpioHal } from '../../epd/rpio-hal.ts';

const onPi = existsSync('/proc/device-tree/model');

test('rpio HAL in rpio\'s mock mode drives a whole refresh (rpio reads 0: SSD1680 idle)', async (t) => {
  const hal = openRpioHal({ mock: 'raspi-3' });
  let waited = 0;
  const clock = { delay: async (ms: number) => void (waited += ms), now: () => waited };
  await new EpdDriver(EPD_2IN13B_V4, { ...hal, clock }).refresh({ black: blankPlane(EPD_2IN13B_V4) });
  t.is(waited, 20 + 2 + 20 + 2000);
});

(onPi ? test.skip : test)('off a Raspberry Pi the rpio HAL refuses to start instead of falling back to mock mode', (t) => {
  t.throws(() => openRpioHal(), { message: /epd: not a Raspberry Pi/ });
});
