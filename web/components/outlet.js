/** One outlet (a channel of a power node): power, voltage, current, energy today, and its relay switch. */
import { html } from '../html.js';
import { energyToday, fmt, switchView } from '../format.js';

/**
 * The relay switch: at least 44 px high, `role=switch`, disabled while a
 * command is pending.
 * @param {{view: import('../format.js').SwitchView, name: string, onToggle: () => void}} props
 */
export function RelaySwitch({ view, name, onToggle }) {
  const cls = `switch ${view.state}${view.pending ? ' pending' : ''}`;
  return html`<button type="button" class=${cls} role="switch" aria-checked=${view.state === 'on' ? 'true' : 'false'}
    aria-label=${`${name}: ${view.label}`} disabled=${view.pending} onClick=${onToggle}>
    <span class="knob"></span><span class="switch-text">${view.pending ? '…' : view.state === 'unknown' ? '?' : view.state}</span>
  </button>`;
}

/**
 * @param {{node: any, channel: any, mine: any, energyBase: number | null | undefined,
 *   selected: boolean, onSwitch: (state: 'on' | 'off') => void, onChart: () => void}} props
 */
export function Outlet({ node, channel, mine, energyBase, selected, onSwitch, onChart }) {
  const hasRelay = node.capabilityNames.includes('relay') || channel.relay !== undefined;
  const view = switchView(channel, mine);
  const name = `Outlet ${channel.channel}`;
  const today = energyToday(channel.energy, energyBase);
  return html`<li class="outlet" data-key=${`${node.mac}/${channel.channel}`}>
    <button type="button" class=${`outlet-name${selected ? ' selected' : ''}`} onClick=${onChart} title="Chart of the last 24 h">
      ${name}${channel.trip ? html` <span class="badge bad">tripped</span>` : ''}
    </button>
    <div class="outlet-power"><span class="big">${fmt(channel.power, channel.power >= 100 ? 0 : 1, 'W')}</span></div>
    <div class="outlet-meta">
      <span>${fmt(channel.voltage, 1, 'V')}</span>
      <span>${fmt(channel.current, 2, 'A')}</span>
      <span title="energy today">${fmt(today, today >= 100 ? 0 : 1, 'Wh')} today</span>
    </div>
    ${hasRelay
      ? html`<div class="outlet-switch">
          <${RelaySwitch} view=${view} name=${name} onToggle=${() => onSwitch(view.state === 'on' ? 'off' : 'on')} />
          <span class=${`switch-label${view.pending ? ' pending' : ''}`}>${view.label}</span>
        </div>`
      : ''}
    ${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
  </li>`;
}
