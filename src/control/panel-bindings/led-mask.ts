import type { ButtonBinding } from './panel-config.ts';

/**
 * The panel's LED mask (record 0x59, u32), pure: bit n lit for button n
 * whose bound channel's relay the socket confirmed on. A relay off or not
 * yet known leaves its LED dark.
 */
export function ledMask(buttons: readonly ButtonBinding[], relay: (node: string, channel: number) => boolean | undefined): number {
  let mask = 0;
  for (const b of buttons) {
    if (relay(b.node, b.channel) === true) mask |= 1 << b.button;
  }
  return mask >>> 0;
}
