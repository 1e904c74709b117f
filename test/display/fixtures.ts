import type { NodeState } from '../../src/nodes/node-state.ts';
import type { ScreenState } from '../../src/display/screen-state.ts';
import type { DisplayConfig } from '../../src/config/types.ts';

/** 14 March 2025, 14:07 UTC. */
export const NOW = Date.UTC(2025, 2, 14, 14, 7);

export function node(room: string, i: number, over: Partial<NodeState> = {}): NodeState {
  return {
    mac: `a2b2c2d2e2${i.toString(16).padStart(2, '0')}`,
    room,
    firstSeenMs: NOW - 86_400_000,
    lastSeenMs: NOW - 30_000,
    intervalS: 60,
    batteryV: 3.9,
    latest: { temperature: 20 + i * 0.7, humidity: 40 + i * 3, pressure: 1009 + i, illuminance: 120 * i },
    channels: {},
    counters: { messages: 10, duplicates: 0, lost: 0 },
    ...over,
  };
}

const ROOMS = ['Kitchen', 'Bedroom', 'Living room', 'Bath', 'Hall', 'Study', 'Attic', 'Cellar', 'Garage', 'Porch', 'Nursery', 'Pantry',
  'Loft', 'Utility', 'Garden shed', 'Office'];

/** The node states the goldens are drawn from. */
export const STATES: Record<string, ScreenState> = {
  'one-room': { gateway: 'cupboard-pi', nowMs: NOW, sink: { reachable: true, backlogPoints: 0 }, nodes: [node('Kitchen', 1)] },
  alerts: {
    gateway: 'cupboard-pi',
    nowMs: NOW,
    sink: { reachable: false, backlogPoints: 1234, lastError: 'ECONNREFUSED' },
    nodes: [
      node('Kitchen', 1),
      node('Bedroom', 2, { lastSeenMs: NOW - 4 * 60_000 }), // silent: more than 3 × 60 s
      node('Living room', 3, { batteryV: 3.12 }),
      node('Bath', 4, { latest: { temperature: 23.4, humidity: 71 } }),
    ],
  },
  'many-rooms': {
    gateway: 'cupboard-pi',
    nowMs: NOW,
    sink: { reachable: true, backlogPoints: 0 },
    nodes: ROOMS.map((room, i) => node(room, i, i === 5 ? { status: 1 << 2 } : {})),
  },
};

export function displayConfig(over: Partial<DisplayConfig> = {}): DisplayConfig {
  return {
    panel: '2in13b_v4',
    orientation: 'landscape',
    minRefreshS: 180,
    fullRefreshEvery: 10,
    busyTimeoutMs: 60_000,
    pins: { rst: 17, dc: 25, busy: 24, pwr: 18 },
    ...over,
  };
}
