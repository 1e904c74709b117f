import { DEFAULT_PINS } from './hal.ts';
import { EpdDriver, type Frame, type RefreshMode } from './epd-driver.ts';
import type { PanelModel } from './panel-model.ts';
import { RecordingHal } from './recording-hal.ts';
import { makeTrace, type Trace } from './trace.ts';

/** One refresh of {@link traceRefreshes}. */
export interface TracedRefresh {
  frame: Frame;
  /** Default `full`. */
  mode?: RefreshMode;
}

/**
 * Runs `refreshes` in order on one driver against a {@link RecordingHal} whose
 * BUSY is always idle (as the reference harness did), then powers the panel off
 * as the gateway does when it stops (nothing more after a `full` refresh, which
 * already did), and returns the epd-trace/1 trace of it all.
 */
export async function traceRefreshes(panel: PanelModel, refreshes: readonly TracedRefresh[]): Promise<Trace> {
  const hal = new RecordingHal({ read: () => panel.busyIdle });
  const driver = new EpdDriver(panel, hal);
  for (const { frame, mode } of refreshes) await driver.refresh(frame, { mode });
  driver.powerOff();
  return makeTrace(hal.ops, DEFAULT_PINS);
}

/** {@link traceRefreshes} of one refresh. */
export function traceRefresh(panel: PanelModel, frame: Frame, mode: RefreshMode = 'full'): Promise<Trace> {
  return traceRefreshes(panel, [{ frame, mode }]);
}
