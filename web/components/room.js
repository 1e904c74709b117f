/** One room: its latest readings, its nodes' health, and its outlets. */
import { html } from '../html.js';
import { ago, channelKey, fmt, healthBadges, roomReadings } from '../format.js';
import { Outlet } from './outlet.js';

const isOutlet = (c) => [c.power, c.voltage, c.current, c.energy, c.relay].some((v) => v !== undefined);

/** @param {{node: any, nowMs: number}} props */
function NodeLine({ node, nowMs }) {
  const badges = healthBadges(node);
  return html`<li class=${`node${badges.length ? ' attention' : ''}`}>
    <span class="mac">${node.mac}</span>
    ${node.health.silent
      ? html`<span class="badge bad">silent, last ${ago(node.lastSeenMs, nowMs)}</span>`
      : ''}
    ${node.health.batteryLow ? html`<span class="badge warn">battery low ${fmt(node.batteryV, 2, 'V')}</span>` : ''}
    ${node.health.tripped ? html`<span class="badge bad">tripped</span>` : ''}
    ${!node.health.batteryLow && node.batteryV !== undefined ? html`<span class="muted">${fmt(node.batteryV, 2, 'V')}</span>` : ''}
    ${node.rssi !== undefined ? html`<span class="muted">${node.rssi} dBm</span>` : ''}
  </li>`;
}

/**
 * @param {{room: string, nodes: any[], nowMs: number, mine: Map<string, any>, energyBase: Map<string, number | null>,
 *   chart: {kind: string, room?: string, mac?: string, channel?: number} | undefined,
 *   onSwitch: (mac: string, channel: number, state: 'on' | 'off') => void, onChart: (target: any) => void}} props
 */
export function Room({ room, nodes, nowMs, mine, energyBase, chart, onSwitch, onChart }) {
  const r = roomReadings(nodes);
  const hasEnv = r.temperature !== undefined || r.humidity !== undefined || r.illuminance !== undefined || r.pressure !== undefined;
  const outlets = nodes.flatMap((node) => node.channels.filter(isOutlet).map((channel) => ({ node, channel })));
  const roomSelected = chart?.kind === 'room' && chart.room === room;
  return html`<section class="room" aria-label=${room}>
    <h2>${room}</h2>
    ${hasEnv
      ? html`<button type="button" class=${`readings${roomSelected ? ' selected' : ''}`} onClick=${() => onChart({ kind: 'room', room })}
          title="Chart of the last 24 h">
          <span class="big temp">${fmt(r.temperature, 1, '°C')}</span>
          <span>${fmt(r.humidity, 0, '%')}</span>
          ${r.pressure !== undefined ? html`<span>${fmt(r.pressure, 0, 'hPa')}</span>` : ''}
          ${r.illuminance !== undefined ? html`<span>${fmt(r.illuminance, 0, 'lx')}</span>` : ''}
        </button>`
      : ''}
    ${outlets.length
      ? html`<ul class="outlets">${outlets.map(({ node, channel }) => {
          const key = channelKey(node.mac, channel.channel);
          return html`<${Outlet} key=${key} node=${node} channel=${channel} mine=${mine.get(key)} energyBase=${energyBase.get(key)}
            selected=${chart?.kind === 'outlet' && chart.mac === node.mac && chart.channel === channel.channel}
            onSwitch=${(state) => onSwitch(node.mac, channel.channel, state)}
            onChart=${() => onChart({ kind: 'outlet', mac: node.mac, channel: channel.channel, room })} />`;
        })}</ul>`
      : ''}
    <ul class="nodes">${nodes.map((node) => html`<${NodeLine} key=${node.mac} node=${node} nowMs=${nowMs} />`)}</ul>
  </section>`;
}
