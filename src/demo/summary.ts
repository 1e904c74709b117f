import type { Gateway } from '../main.ts';
import { nodeHealth } from '../nodes/health.ts';
import { formatMac } from '../protocol/index.ts';

const fixed = (value: number | undefined, digits: number, unit: string): string =>
  value === undefined ? '-' : `${value.toFixed(digits)}${unit}`;

/**
 * The demo's live summary: one row per node and the gateway's counters. On a
 * terminal it redraws in place; otherwise (a pipe, CI) it prints plain blocks.
 */
export function formatSummary(gateway: Gateway, nowMs: number, tty: boolean): string {
  const c = gateway.pipeline.counters;
  const sink = gateway.sinkStatus();
  const rows = gateway.registry.states()
    .sort((a, b) => a.room.localeCompare(b.room))
    .map((n) => {
      const ago = Math.round((nowMs - n.lastSeenMs) / 1000);
      const health = nodeHealth(n, nowMs);
      const flags = [health.silent ? 'SILENT' : '', health.batteryLow ? 'LOW BATTERY' : '', health.tripped ? 'TRIPPED' : ''].filter(Boolean).join(' ');
      const outlets = Object.values(n.channels);
      const readings = outlets.length === 0
        ? `${fixed(n.latest.temperature, 1, 'C').padStart(6)} ${fixed(n.latest.humidity, 0, '%').padStart(4)} `
          + `${fixed(n.latest.pressure, 0, 'hPa').padStart(7)} ${fixed(n.latest.illuminance, 0, 'lx').padStart(7)} ${fixed(n.batteryV, 2, 'V').padStart(6)}`
        : `${outlets.length} outlets, ${outlets.filter((o) => o.relay).length} on, ${fixed(outlets.reduce((w, o) => w + (o.power ?? 0), 0), 0, ' W')}`.padEnd(34);
      return `  ${n.room.padEnd(12)} ${formatMac(n.mac)}  ${readings} `
        + `${String(n.rssi ?? '-').padStart(4)}dBm  ${`${ago}s ago`.padStart(8)}  lost ${n.counters.lost} dup ${n.counters.duplicates} ${flags}`;
    });
  const text = [
    `espnow-gateway demo  ${new Date(nowMs).toLocaleTimeString()}`,
    `  frames ${c.frames}  messages ${c.messages}  duplicates ${c.duplicates}  console lines ${c.consoleLines}  points ${c.points}`
      + `  sink ${sink.reachable ? 'ok' : 'DOWN'} backlog ${sink.backlogPoints}`
      + (sink.storageProblem ? `  STORAGE: ${sink.storageProblem.toUpperCase()} (points held in memory)` : ''),
    ...rows,
    '',
  ].join('\n');
  return tty ? `\x1b[H\x1b[2J${text}` : text;
}
