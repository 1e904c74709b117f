import { z } from 'zod';
import { normalizeMac } from '../../protocol/mac.ts';

/** Buttons a panel may have (the panel firmware's channels 1..16, micropython/panel). */
export const MIN_BUTTON = 1;
export const MAX_BUTTON = 16;

/** What one button of a panel drives: a channel of a socket node. */
export interface ButtonBinding {
  /** The button, 1..16 (the panel's channel, record 0x0f of its presses). */
  readonly button: number;
  /** The socket node, 12 lower-case hex digits. */
  readonly node: string;
  /** The socket's channel, 0..255. */
  readonly channel: number;
  /** Shown on the LCD's first line (at most 20 characters are shown). Default `<room> outlet <channel>`. */
  readonly name?: string;
}

/** One panel node's bindings. */
export interface PanelConfig {
  /** The panel node, 12 lower-case hex digits. */
  readonly mac: string;
  /** By button, ascending. */
  readonly buttons: readonly ButtonBinding[];
}

/** The `panels` section: panel MAC (12 lower-case hex digits) -> its bindings; absent = off. */
export type PanelsConfig = Readonly<Record<string, PanelConfig>>;

const MAC_HINT = 'not a MAC address (12 hex digits)';
const isMac = (text: string): boolean => {
  try {
    normalizeMac(text);
    return true;
  } catch {
    return false;
  }
};

const bindingSchema = z.strictObject({
  node: z.string().refine(isMac, { error: MAC_HINT }),
  channel: z.number().int({ error: 'not a channel (an integer 0..255)' }).min(0, { error: 'not a channel (0..255)' }).max(255, { error: 'not a channel (0..255)' }),
  name: z.string().min(1, { error: 'must not be empty' }).optional(),
});

const panelSchema = z.strictObject({
  buttons: z.record(z.string(), bindingSchema).superRefine((buttons, ctx) => {
    for (const key of Object.keys(buttons)) {
      const n = Number(key);
      if (!/^\d+$/.test(key) || n < MIN_BUTTON || n > MAX_BUTTON) {
        ctx.addIssue({ code: 'custom', path: [key], message: `not a button (${MIN_BUTTON}..${MAX_BUTTON})` });
      }
    }
  }),
});

/**
 * The `panels` key of the config file (zod), completed by its transform:
 * MACs in the wire form, buttons as numbers. Problems name the key, e.g.
 * `panels["a2:b2"]: not a MAC address (12 hex digits)`, `panels[...].buttons["17"]: not a button (1..16)`.
 */
export const panelsFileSchema = z.record(z.string(), panelSchema)
  .superRefine((panels, ctx) => {
    const seen = new Map<string, string>();
    for (const key of Object.keys(panels)) {
      if (!isMac(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: MAC_HINT });
        continue;
      }
      const other = seen.get(normalizeMac(key));
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `same MAC as panels[${JSON.stringify(other)}]` });
      else seen.set(normalizeMac(key), key);
    }
  })
  .transform((panels): PanelsConfig => Object.fromEntries(Object.entries(panels).map(([key, panel]) => {
    const mac = normalizeMac(key);
    const buttons = Object.entries(panel.buttons)
      .map(([button, b]) => ({ button: Number(button), node: normalizeMac(b.node), channel: b.channel, ...(b.name ? { name: b.name } : {}) }))
      .sort((a, b) => a.button - b.button);
    return [mac, { mac, buttons }];
  })));
