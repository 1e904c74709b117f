import sharp from 'sharp';
import type { InkRaster } from '../../epd/pack.ts';

/** A rendered screen: one raster per ink colour, at the drawing's size. */
export interface RenderedScreen {
  width: number;
  height: number;
  /** Black ink. */
  black: InkRaster;
  /** Red ink (empty on a black/white panel, where red is drawn black). */
  red: InkRaster;
}

/**
 * Rasterises the screen's SVG with sharp and splits it into ink planes by a
 * fixed threshold per channel: red where R ≥ 128 and G < 128, black where
 * R < 128, white elsewhere. Shapes and regular text are drawn without
 * antialiasing; bold text is antialiased and this 50 % cut gives it even 2 px
 * stems with open counters (see font.ts). `hasRed: false` folds red into black.
 */
export async function renderScreen(svg: string, hasRed: boolean): Promise<RenderedScreen> {
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const black = new Uint8Array(width * height);
  const red = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < black.length; i++, p += channels) {
    const r = data[p];
    const g = data[p + 1];
    if (r < 128) black[i] = 1;
    else if (g < 128) (hasRed ? red : black)[i] = 1;
  }
  return { width, height, black: { width, height, ink: black }, red: { width, height, ink: red } };
}

/** The screen as a PNG, as the panel would show it: white, black and red (palette PNG). */
export async function screenPng(screen: RenderedScreen): Promise<Buffer> {
  const rgb = Buffer.alloc(screen.width * screen.height * 3, 0xff);
  for (let i = 0; i < screen.black.ink.length; i++) {
    if (screen.black.ink[i]) rgb.fill(0, i * 3, i * 3 + 3);
    else if (screen.red.ink[i]) { rgb[i * 3 + 1] = 0; rgb[i * 3 + 2] = 0; }
  }
  return sharp(rgb, { raw: { width: screen.width, height: screen.height, channels: 3 } })
    .png({ palette: true, colours: 4, dither: 0, compressionLevel: 9 })
    .toBuffer();
}
