import sharp from 'sharp';
import type { InkRaster } from './pack.ts';

/**
 * Reads an image file as a one-bit raster: transparent parts count as white,
 * and a pixel is ink where its grey level is below 128 (so 0 = ink, as in the
 * reference PNGs).
 */
export async function readInkRaster(path: string): Promise<InkRaster> {
  const { data, info } = await sharp(path)
    .flatten({ background: '#ffffff' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const ink = new Uint8Array(info.width * info.height);
  for (let i = 0; i < ink.length; i++) ink[i] = data[i * info.channels] < 128 ? 1 : 0;
  return { width: info.width, height: info.height, ink };
}
