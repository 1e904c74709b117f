import { nodeHealth, type HealthOptions } from '../nodes/health.ts';
import type { NodeState } from '../nodes/node-state.ts';
import { UNKNOWN_ROOM } from '../nodes/registry.ts';
import { localTime } from './local-time.ts';
import type { ScreenState } from './screen-state.ts';

/** Options of {@link buildScreenModel}: the time zone and how health is judged (src/nodes/health.ts). */
export interface ScreenModelOptions extends HealthOptions {
  /** IANA time zone for clock times; default the system's. */
  timeZone?: string;
}

/** One room line, formatted. */
export interface RoomRow {
  name: string;
  /** `21.4°`, or `–` when not reported yet. */
  temperature: string;
  /** `45%`, empty when not reported. */
  humidity: string;
  /** `1013 hPa`, empty when not reported. */
  pressure: string;
  /** `345 lx`, empty when not reported. */
  light: string;
  /** When last heard: `14:05` today, else `3 Mar`. */
  heard: string;
  /** What needs a person (drawn in red): `silent since 14:05`, `battery low 3.21 V`. Empty when all is well. */
  alerts: string[];
}

/** The screen's content, before layout. */
export interface ScreenModel {
  title: string;
  /** Time of this drawing, `HH:MM`. */
  clock: string;
  /** Red banner when InfluxDB is unreachable or the disk refuses the spool (`Disk full`), with the backlog, and the firing alerts. */
  banner?: string;
  rows: RoomRow[];
}

/** Most rows given to nodes the config does not name; the rest are one `+N unknown nodes` row. */
export const MAX_UNKNOWN_ROWS = 3;

const fmt = (value: number | undefined, digits: number, unit: string): string =>
  value === undefined || !Number.isFinite(value) ? '' : `${value.toFixed(digits)}${unit}`;

/**
 * Room names in alphabetical order, case folded (ties by code point). Not
 * `localeCompare`: its collation tables cost the process megabytes of ICU data.
 */
function byName(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Turns the gateway's state into the lines the screen shows; rooms needing attention first. */
export function buildScreenModel(state: ScreenState, options: ScreenModelOptions = {}): ScreenModel {
  const zone = localTime(options.timeZone);
  const today = zone.day(state.nowMs);
  const when = (ms: number): string => { const day = zone.day(ms); return day === today ? zone.clock(ms) : day; };
  const byAttention = (a: RoomRow, b: RoomRow): number =>
    Number(b.alerts.length > 0) - Number(a.alerts.length > 0) || byName(a.name, b.name);
  const named = state.nodes.filter((n) => n.room !== UNKNOWN_ROOM).map((n) => roomRow(n, state.nowMs, when, options)).sort(byAttention);
  const banner = [sinkBanner(state.sink), ...(state.alerts ?? []).map((a) => `Alert: ${a}`)].filter(Boolean).join(' · ') || undefined;
  return { title: state.gateway, clock: zone.clock(state.nowMs), banner, rows: [...named, ...unknownRows(state, when, options)] };
}

/**
 * Nodes the config does not name go after every named room, so that a flood of
 * made-up MACs cannot push the house off the panel: the
 * {@link MAX_UNKNOWN_ROWS} heard last, then one row counting the rest.
 */
function unknownRows(state: ScreenState, when: (ms: number) => string, options: ScreenModelOptions): RoomRow[] {
  const unknown = state.nodes.filter((n) => n.room === UNKNOWN_ROOM).sort((a, b) => b.lastSeenMs - a.lastSeenMs);
  const rows = unknown.slice(0, MAX_UNKNOWN_ROWS).map((n) => roomRow(n, state.nowMs, when, options));
  const more = unknown.length - rows.length;
  if (more > 0) rows.push({ name: `+${more} unknown nodes`, temperature: '', humidity: '', pressure: '', light: '', heard: '', alerts: [] });
  return rows;
}

/** `InfluxDB unreachable · Disk full · 1234 queued`: the parts that apply, or undefined when all is well. */
function sinkBanner(sink: ScreenState['sink']): string | undefined {
  const problems = [
    sink.reachable ? '' : 'InfluxDB unreachable',
    sink.storageProblem ? sink.storageProblem.charAt(0).toUpperCase() + sink.storageProblem.slice(1) : '',
  ].filter(Boolean);
  return problems.length ? `${problems.join(' · ')} · ${sink.backlogPoints} queued` : undefined;
}

function roomRow(node: NodeState, nowMs: number, when: (ms: number) => string, options: ScreenModelOptions): RoomRow {
  const health = nodeHealth(node, nowMs, options);
  const alerts: string[] = [];
  if (health.silent) alerts.push(`silent since ${when(node.lastSeenMs)}`);
  if (health.batteryLow) alerts.push(`battery low${node.batteryV === undefined ? '' : ` ${node.batteryV.toFixed(2)} V`}`);
  if (health.tripped) alerts.push('tripped');
  const { latest } = node;
  return {
    name: node.room === UNKNOWN_ROOM ? node.mac : node.room,
    temperature: fmt(latest.temperature, 1, '°') || '–',
    humidity: fmt(latest.humidity, 0, '%'),
    pressure: fmt(latest.pressure, 0, ' hPa'),
    light: fmt(latest.illuminance, 0, ' lx'),
    heard: when(node.lastSeenMs),
    alerts,
  };
}
