/**
 * Child process of {@link rasterizeInChild}: takes one `{ svg, hasRed }`
 * message, answers with the ink planes and the PNG, and exits.
 */
import { rasterizeInProcess } from './rasterize.ts';

process.once('message', (request: { svg: string; hasRed: boolean }) => {
  rasterizeInProcess(request.svg, request.hasRed).then(
    (raster) => process.send!(raster, () => process.exit(0)),
    (error: unknown) => process.send!({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(1)),
  );
});
