import { EpdError } from './epd-error.ts';
import { bytesPerRow, planeBytes, type PanelModel } from './panel-model.ts';

/** A one-bit picture: `ink[y * width + x]` is 1 where the colour goes, 0 elsewhere. */
export interface InkRaster {
  /** Width in px. */
  width: number;
  /** Height in px. */
  height: number;
  /** One byte per pixel, row-major, 1 = ink. */
  ink: Uint8Array;
}

type Geometry = Pick<PanelModel, 'name' | 'width' | 'height'>;

/**
 * Packs a raster into a panel plane as Waveshare's `getbuffer()` does
 * (epd.md 4): row-major from the top, MSB = leftmost pixel, 1 = white / no red,
 * padding bits 0. A landscape raster (height × width) is turned 90° counter-
 * clockwise: landscape (xL, yL) lands on native (yL, H − 1 − xL). Any other size
 * is an `EPD_IMAGE_SIZE` error (Waveshare's driver silently sends a blank).
 */
export function packPlane(raster: InkRaster, panel: Geometry): Uint8Array {
  const { width: W, height: H } = panel;
  const landscape = raster.width === H && raster.height === W;
  if (!landscape && !(raster.width === W && raster.height === H)) {
    throw new EpdError(
      'EPD_IMAGE_SIZE',
      `epd ${panel.name}: image is ${raster.width}×${raster.height}, expected ${W}×${H} (portrait) or ${H}×${W} (landscape)`,
    );
  }
  const bpr = bytesPerRow(panel);
  const out = new Uint8Array(planeBytes(panel));
  const ink = raster.ink;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // Native (x, y) comes from landscape (xL, yL) = (H - 1 - y, x).
      const on = landscape ? ink[x * H + (H - 1 - y)] : ink[y * W + x];
      if (!on) out[y * bpr + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  return out;
}

/** A plane with no ink, padding bits 0, as `getbuffer()` gives for a white image. */
export function blankPlane(panel: Geometry): Uint8Array {
  return packPlane({ width: panel.width, height: panel.height, ink: new Uint8Array(panel.width * panel.height) }, panel);
}
