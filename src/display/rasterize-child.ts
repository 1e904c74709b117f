/**
 * Child process of {@link rasterizeInChild}: takes one {@link ScreenRequest}
 * message, answers with the ink planes, the PNG and the page count, and exits.
 */
import { rasterizeInProcess, type ScreenRequest } from './rasterize.ts';

process.once('message', (request: ScreenRequest) => {
  rasterizeInProcess(request).then(
    (raster) => process.send!(raster, () => process.exit(0)),
    (error: unknown) => process.send!({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(1)),
  );
});
