/**
 * The house at a glance: rooms with their latest readings and health, every
 * outlet with its power and a relay switch, a 24 h chart, all kept live over
 * GET /api/events. Served by the gateway from web/ with no build step; the
 * libraries come from the package (/vendor/...), nothing from the internet.
 */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { ApiError, call, getNodes, getReadings, hasSession, putRelay } from './api.js';
import { channelKey, FINAL_STATUSES, firstValue, groupByRoom, macKey, startOfDay } from './format.js';
import { openLive } from './live.js';
import { Chart } from './components/chart.js';
import { Room } from './components/room.js';
import { TokenForm } from './components/token-form.js';

/** The snapshot is reloaded this often, ms, so that a node going silent shows without an event. */
export const SNAPSHOT_REFRESH_MS = 30_000;
/** Energy today is read with this step, s (1440 points over a day). */
export const ENERGY_STEP_S = 60;

const byMac = (list) => new Map(list.map((n) => [macKey(n.mac), n]));
/**
 * The snapshot `list` over the nodes shown now, except a node whose `node`
 * event came after the snapshot was asked for (its count in `lastEvent` past
 * `askedAt`): that event is newer than the snapshot, so the node keeps it.
 */
const snapshotOver = (shown, list, lastEvent, askedAt) => {
  const next = byMac(list);
  for (const [key, at] of lastEvent) if (at > askedAt && shown.has(key)) next.set(key, shown.get(key));
  return next;
};
const withEntry = (map, key, value) => new Map(map).set(key, value);

/** The relay state a command asked for. */
const askedState = (command, fallback) => command.action?.state ?? command.requested?.state ?? fallback;
const mineOf = (command, fallback) => ({ id: command.id, status: command.status, reason: command.reason, state: askedState(command, fallback) });

function App() {
  const [nodes, setNodes] = useState(/** @type {Map<string, any>} */ (new Map()));
  const [mine, setMine] = useState(/** @type {Map<string, any>} */ (new Map()));
  const [energyBase, setEnergyBase] = useState(/** @type {Map<string, number | null>} */ (new Map()));
  const [conn, setConn] = useState('connecting');
  const [sink, setSink] = useState(/** @type {any} */ (undefined));
  const [problem, setProblem] = useState('');
  const [ask, setAsk] = useState(/** @type {{reason: string, retry: () => void} | undefined} */ (undefined));
  const [signedIn, setSignedIn] = useState(false);
  const [chart, setChart] = useState(/** @type {any} */ (undefined));
  const [nowMs, setNowMs] = useState(Date.now());
  const seen = useRef(new Map());
  const energyAsked = useRef(new Set());
  // `node` events so far, and each node's count at its latest one: a snapshot answered after an event must not undo it.
  const nodeEvents = useRef(0);
  const lastNodeEvent = useRef(new Map());

  const reload = () => {
    const askedAt = nodeEvents.current;
    return getNodes().then(
      (list) => { setNodes((m) => snapshotOver(m, list, lastNodeEvent.current, askedAt)); setProblem(''); setNowMs(Date.now()); },
      (err) => {
        if (err instanceof ApiError && err.needsToken) setAsk({ reason: 'This gateway needs a token to show the house.', retry: reload });
        else setProblem(err.message);
      },
    );
  };

  const onEvent = (name, data) => {
    if (name === 'node' && data?.mac) {
      nodeEvents.current += 1;
      lastNodeEvent.current.set(macKey(data.mac), nodeEvents.current);
      setNodes((m) => withEntry(m, macKey(data.mac), data));
    }
    if (name === 'sink') setSink(data);
    if (name === 'command' && data?.id) {
      seen.current.set(data.id, data);
      if (seen.current.size > 200) seen.current.delete(seen.current.keys().next().value);
      const key = data.channel === undefined ? undefined : channelKey(data.mac, data.channel);
      setMine((m) => (key && m.get(key)?.id === data.id ? withEntry(m, key, mineOf(data, m.get(key).state)) : m));
    }
  };

  useEffect(() => {
    reload();
    hasSession().then(setSignedIn);
    const close = openLive('/api/events', ['node', 'command', 'sink', 'reading'], { onEvent, onOpen: reload, onState: setConn });
    const timer = setInterval(reload, SNAPSHOT_REFRESH_MS);
    return () => { close(); clearInterval(timer); };
  }, []);

  // Energy today: the counter's first reading since local midnight, once per node and day.
  useEffect(() => {
    const dayMs = startOfDay(Date.now());
    for (const node of nodes.values()) {
      const channels = node.channels.filter((c) => c.energy !== undefined);
      const asked = `${dayMs}/${macKey(node.mac)}`;
      if (channels.length === 0 || energyAsked.current.has(asked)) continue;
      energyAsked.current.add(asked);
      getReadings({ node: node.mac, measurement: 'power', field: 'energy', fromMs: dayMs, toMs: Date.now(), stepS: ENERGY_STEP_S }).then(
        (series) => setEnergyBase((m) => {
          const next = new Map(m);
          for (const c of channels) {
            const s = series.find((x) => x.tags.channel === String(c.channel));
            next.set(channelKey(node.mac, c.channel), (s && firstValue(s.points)) ?? c.energy);
          }
          return next;
        }),
        () => setEnergyBase((m) => {
          const next = new Map(m);
          for (const c of channels) next.set(channelKey(node.mac, c.channel), null);
          return next;
        }),
      );
    }
  }, [nodes]);

  const onSwitch = async (mac, channel, state) => {
    const key = channelKey(mac, channel);
    setMine((m) => withEntry(m, key, { status: 'sending', state }));
    try {
      const command = await putRelay(mac, channel, state);
      const later = seen.current.get(command.id);
      const best = later && FINAL_STATUSES.has(later.status) ? later : command;
      setMine((m) => withEntry(m, key, mineOf(best, state)));
    } catch (err) {
      if (err instanceof ApiError && err.needsToken) {
        setMine((m) => { const next = new Map(m); next.delete(key); return next; });
        setAsk({ reason: 'Switching an outlet needs a control token.', retry: () => onSwitch(mac, channel, state) });
      } else {
        setMine((m) => withEntry(m, key, { state, error: `switching ${state} failed: ${err.message}` }));
      }
    }
  };

  const signOut = () => call('/api/session', { method: 'DELETE' }).finally(() => setSignedIn(false));
  const rooms = groupByRoom([...nodes.values()]);
  const target = chart ?? defaultChart(rooms);

  return html`
    <header class="top">
      <h1>House</h1>
      <span class=${`conn ${conn}`} role="status">${conn === 'live' ? 'live' : conn === 'connecting' ? 'connecting…' : 'reconnecting…'}</span>
      ${sink && (!sink.reachable || sink.storageProblem)
        ? html`<span class="badge warn">${sink.storageProblem ?? `storage unreachable, ${sink.backlogPoints} points waiting`}</span>`
        : ''}
      ${signedIn ? html`<button type="button" class="secondary small" onClick=${signOut}>Sign out</button>` : ''}
    </header>
    ${problem ? html`<p class="error banner" role="alert">${problem}</p>` : ''}
    <main>
      ${rooms.length === 0 && !problem ? html`<p class="muted empty">No node heard yet.</p>` : ''}
      <div class="rooms">
        ${rooms.map((r) => html`<${Room} key=${r.room} room=${r.room} nodes=${r.nodes} nowMs=${nowMs} mine=${mine} energyBase=${energyBase}
          chart=${target} onSwitch=${onSwitch} onChart=${setChart} />`)}
      </div>
      ${target ? html`<${Chart} target=${target} title=${chartTitle(target)} nowMs=${() => Date.now()} />` : ''}
    </main>
    ${ask
      ? html`<${TokenForm} reason=${ask.reason} onCancel=${() => setAsk(undefined)}
          onDone=${() => { const retry = ask.retry; setAsk(undefined); setSignedIn(true); retry(); }} />`
      : ''}`;
}

/** The first room with a temperature, else the first outlet. */
function defaultChart(rooms) {
  for (const r of rooms) if (r.nodes.some((n) => n.latest.temperature !== undefined)) return { kind: 'room', room: r.room };
  for (const r of rooms) {
    for (const n of r.nodes) {
      const c = n.channels.find((x) => x.power !== undefined);
      if (c) return { kind: 'outlet', mac: n.mac, channel: c.channel, room: r.room };
    }
  }
  return undefined;
}

const chartTitle = (t) => (t.kind === 'room' ? `${t.room}: temperature` : `${t.room}: outlet ${t.channel} power`);

render(html`<${App} />`, document.getElementById('app'));
