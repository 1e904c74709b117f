/** The last 24 h of one room's temperature or one outlet's power, drawn by uPlot. */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from '../html.js';
import { getReadings } from '../api.js';

/** How far back the chart looks, ms. */
export const CHART_SPAN_MS = 24 * 3600_000;
/** One point per this many seconds (288 points over 24 h). */
export const CHART_STEP_S = 300;
/** The chart reloads this often, ms. */
export const CHART_REFRESH_MS = 5 * 60_000;

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const PALETTE = ['--accent', '--chart-2', '--chart-3', '--chart-4'];

/** @param {{kind: string, room?: string, mac?: string, channel?: number}} target */
function query(target, nowMs) {
  const range = { fromMs: nowMs - CHART_SPAN_MS, toMs: nowMs, stepS: CHART_STEP_S };
  return target.kind === 'room'
    ? { ...range, room: target.room, measurement: 'environment', field: 'temperature' }
    : { ...range, node: target.mac, measurement: 'power', field: 'power' };
}

/** Series as uPlot's columns: x in s, one y column per series. */
function columns(target, series) {
  const wanted = target.kind === 'outlet' ? series.filter((s) => s.tags.channel === String(target.channel)) : series;
  if (wanted.length === 0) return undefined;
  const xs = wanted[0].points.map((p) => p[0] / 1000);
  return { data: [xs, ...wanted.map((s) => s.points.map((p) => p[1]))], names: wanted.map((s) => s.tags.node ?? '') };
}

/** @param {{target: {kind: string, room?: string, mac?: string, channel?: number}, title: string, nowMs: () => number}} props */
export function Chart({ target, title, nowMs }) {
  const box = useRef(null);
  const [state, setState] = useState({ status: 'loading' });
  const id = JSON.stringify(target);

  useEffect(() => {
    let alive = true;
    const load = () => getReadings(query(target, nowMs())).then(
      (series) => alive && setState({ status: 'ok', cols: columns(target, series) }),
      (err) => alive && setState({ status: 'error', message: err.message }),
    );
    setState({ status: 'loading' });
    load();
    const timer = setInterval(load, CHART_REFRESH_MS);
    return () => { alive = false; clearInterval(timer); };
  }, [id]);

  useEffect(() => {
    const el = box.current;
    if (!el || state.status !== 'ok' || !state.cols) return undefined;
    const unit = target.kind === 'room' ? '°C' : 'W';
    const width = () => Math.max(200, el.clientWidth);
    const height = () => (window.innerHeight <= 500 ? 150 : 220);
    const axis = { stroke: css('--muted'), grid: { stroke: css('--line'), width: 1 }, ticks: { stroke: css('--line') }, font: '12px system-ui, sans-serif' };
    const plot = new uPlot({
      width: width(), height: height(), legend: { show: false }, cursor: { drag: { x: false, y: false } },
      series: [{}, ...state.cols.names.map((name, i) => ({
        label: name, stroke: css(PALETTE[i % PALETTE.length]), width: 2, spanGaps: false,
        value: (_, v) => (v === null ? '–' : `${v.toFixed(1)} ${unit}`),
      }))],
      axes: [axis, { ...axis, size: 48, values: (_, ticks) => ticks.map((v) => `${v}${unit === 'W' ? '' : '°'}`) }],
    }, state.cols.data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: height() }));
    resize.observe(el);
    return () => { resize.disconnect(); plot.destroy(); };
  }, [state, id]);

  return html`<section class="chart" aria-label="chart">
    <h2>${title} <span class="muted">last 24 h</span></h2>
    ${state.status === 'loading' ? html`<p class="muted">loading…</p>` : ''}
    ${state.status === 'error' ? html`<p class="muted">History unavailable: ${state.message}</p>` : ''}
    ${state.status === 'ok' && !state.cols ? html`<p class="muted">No data in the last 24 h.</p>` : ''}
    <div class="plot" ref=${box}></div>
  </section>`;
}
