import type { Measurement } from './history-store.ts';

/**
 * How a step's samples become one value: `mean` for levels (temperature,
 * power), `last` for states and counters that only grow (relay, energy, the
 * broker's rx), `max` for events where the worst one matters (a trip, a long
 * press), `sum` for counts per message (`lost`).
 */
export type Aggregate = 'mean' | 'last' | 'max' | 'sum';

/**
 * The numeric fields of docs/protocol.md section 3 (and `command.id`,
 * section 4) and how each is aggregated per step. String fields
 * (`command.action`, `.status`, `.source`) are not history: see
 * {@link STRING_FIELDS}.
 */
export const HISTORY_FIELDS: Readonly<Record<Measurement, Readonly<Record<string, Aggregate>>>> = {
  environment: { temperature: 'mean', humidity: 'mean', pressure: 'mean', illuminance: 'mean' },
  node: { battery: 'mean', rssi: 'mean', awake: 'mean', retries: 'mean', lost: 'sum', status: 'last' },
  power: { voltage: 'mean', current: 'mean', power: 'mean', energy: 'last', relay: 'last', trip: 'max' },
  input: { press: 'max' },
  broker: { uptime: 'last', rx: 'last', rx_dropped: 'last', tx: 'last', tx_failed: 'last', queued: 'max' },
  command: { id: 'last' },
};

/** Fields stored as strings: known, but not a history of numbers. */
export const STRING_FIELDS: Readonly<Partial<Record<Measurement, readonly string[]>>> = {
  command: ['action', 'status', 'source'],
};

/** The measurements, in the order of section 3. */
export const MEASUREMENTS = Object.keys(HISTORY_FIELDS) as Measurement[];

/** Which of the filter tags a measurement carries (`broker` has only `gateway`). */
export const MEASUREMENT_TAGS: Readonly<Record<Measurement, { room: boolean; node: boolean; channel: boolean }>> = {
  environment: { room: true, node: true, channel: false },
  node: { room: true, node: true, channel: false },
  power: { room: true, node: true, channel: true },
  input: { room: true, node: true, channel: true },
  broker: { room: false, node: false, channel: false },
  command: { room: true, node: true, channel: true },
};
