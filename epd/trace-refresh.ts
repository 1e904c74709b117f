import { DEFAULT_PINS } from './hal.ts';
import { EpdDriver, type Frame, type RefreshOptions } from './epd-driver.ts';
import type { PanelModel } from './panel-model.ts';
import { RecordingHal } from './recording-hal.ts';
import { makeTrace, type Trace } from './trace.ts';

/**
 * Runs one refresh of `panel` against a {@link RecordingHal} whose BUSY is
 * always idle (as the reference harness did) and returns its epd-trace/1 trace.
 */
export async function traceRefresh(panel: PanelModel, frame: Frame, options: RefreshOptions = {}): Promise<Trace> {
  const hal = new RecordingHal({ read: () => panel.busyIdle });
  await new EpdDriver(panel, hal).refresh(frame, options);
  return makeTrace(hal.ops, DEFAULT_PINS);
}
