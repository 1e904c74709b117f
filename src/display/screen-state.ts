import type { NodeState, SinkStatus } from '../nodes/node-state.ts';

/** What the screen is drawn from; the gateway hands a fresh one to every redraw. */
export interface ScreenState {
  /** Every node the gateway has heard from. */
  nodes: NodeState[];
  /** Health of the InfluxDB path. */
  sink: SinkStatus;
  /** Gateway name, shown in the title bar. */
  gateway: string;
  /** Firing alerts that notify the panel (`name (room)`), drawn in the red banner; absent = none. */
  alerts?: readonly string[];
  /** Now, ms since the epoch. */
  nowMs: number;
}
