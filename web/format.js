/**
 * Pure helpers of the page: grouping, numbers with units, energy today and
 * what a relay switch shows. No DOM, no fetch: test/web/format.test.ts runs
 * them in Node on tables.
 */

/** Statuses after which a command never changes again (src/commands/types.ts FINAL_STATUSES). */
export const FINAL_STATUSES = new Set(['ok', 'unsupported', 'invalid', 'failed', 'expired', 'unconfirmed', 'superseded']);

/** The room the gateway gives a node the config does not name. */
export const UNKNOWN_ROOM = 'unknown';

/**
 * A MAC in any spelling (`aa:bb:..`, `AA-BB-..`, `aabb..`) as 12 lower-case hex digits.
 * @param {string} mac
 * @returns {string}
 */
export const macKey = (mac) => mac.toLowerCase().replace(/[^0-9a-f]/g, '');

/**
 * Key of one channel of one node, `<12 hex digits>/<channel>`.
 * @param {string} mac any spelling
 * @param {number} channel
 */
export const channelKey = (mac, channel) => `${macKey(mac)}/${channel}`;

/**
 * `value` rounded to `digits` decimals with its unit, or `–` when unknown.
 * @param {number | null | undefined} value
 * @param {number} digits decimals
 * @param {string} [unit] appended after a thin space
 * @returns {string}
 */
export function fmt(value, digits, unit = '') {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const text = value.toFixed(digits);
  return unit ? `${text}\u202f${unit}` : text;
}

/**
 * Nodes grouped by room: named rooms in alphabetical order, `unknown` last;
 * within a room in the order given.
 * @template {{room: string}} N
 * @param {readonly N[]} nodes
 * @returns {{room: string, nodes: N[]}[]}
 */
export function groupByRoom(nodes) {
  /** @type {Map<string, N[]>} */
  const rooms = new Map();
  for (const node of nodes) {
    const list = rooms.get(node.room) ?? [];
    list.push(node);
    rooms.set(node.room, list);
  }
  return [...rooms.entries()]
    .sort(([a], [b]) => (a === UNKNOWN_ROOM) - (b === UNKNOWN_ROOM) || a.localeCompare(b))
    .map(([room, list]) => ({ room, nodes: list }));
}

/**
 * The latest environment readings of a room: per field, the value of the
 * first node (in the order given) that has one and is not silent; a silent
 * node's value only when no other has one.
 * @param {readonly {latest: Record<string, number | undefined>, health: {silent: boolean}}[]} nodes
 * @returns {Record<string, number | undefined>}
 */
export function roomReadings(nodes) {
  const ordered = [...nodes.filter((n) => !n.health.silent), ...nodes.filter((n) => n.health.silent)];
  /** @type {Record<string, number | undefined>} */
  const out = {};
  for (const field of ['temperature', 'humidity', 'pressure', 'illuminance']) {
    out[field] = ordered.map((n) => n.latest[field]).find((v) => v !== undefined);
  }
  return out;
}

/**
 * Local midnight of the day `nowMs` falls in, ms since the epoch.
 * @param {number} nowMs
 */
export function startOfDay(nowMs) {
  const d = new Date(nowMs);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * First non-null value of a series' points (`[timeMs, value | null][]`), or undefined.
 * @param {readonly [number, number | null][]} points
 */
export const firstValue = (points) => points.find((p) => p[1] !== null && p[1] !== undefined)?.[1] ?? undefined;

/**
 * Energy used today, Wh: the counter now minus its first reading of today.
 * Undefined when either is unknown; a counter that went backwards (the node
 * was reset) counts from zero.
 * @param {number | undefined} nowWh
 * @param {number | null | undefined} firstTodayWh
 * @returns {number | undefined}
 */
export function energyToday(nowWh, firstTodayWh) {
  if (nowWh === undefined || firstTodayWh === undefined || firstTodayWh === null) return undefined;
  return nowWh >= firstTodayWh ? nowWh - firstTodayWh : nowWh;
}

/**
 * "12 s ago", "5 min ago", "3 h ago", "2 d ago".
 * @param {number} thenMs
 * @param {number} nowMs
 */
export function ago(thenMs, nowMs) {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/**
 * @typedef {object} SwitchView
 * @property {'on' | 'off' | 'unknown'} state what the switch shows as set
 * @property {boolean} pending a command is on its way and not yet confirmed
 * @property {string} label the words under the switch
 * @property {string} [error] why the last command from this page failed
 */

/**
 * What a relay switch shows. `channel.relay` is what the node confirmed;
 * `channel.pendingCommand` the command the gateway still holds open; `mine`
 * the last command this page sent for the channel (a CommandView, or
 * `{error}` when the API refused it). Pending wins, then the confirmed state;
 * a failed command of this page adds its reason.
 * @param {{relay?: boolean, pendingCommand?: {id: number, status: string, state?: string}}} channel
 * @param {{id?: number, status?: string, reason?: string, state?: string, error?: string} | undefined} mine
 * @returns {SwitchView}
 */
export function switchView(channel, mine) {
  const confirmed = channel.relay === undefined ? 'unknown' : channel.relay ? 'on' : 'off';
  const open = channel.pendingCommand ?? (mine && mine.status && !FINAL_STATUSES.has(mine.status) ? mine : undefined);
  if (open) {
    const asked = open.state === 'on' || open.state === 'off' ? open.state : confirmed;
    return { state: asked, pending: true, label: `pending (${open.status})` };
  }
  const view = { state: confirmed, pending: false, label: confirmed };
  if (mine?.error) return { ...view, error: mine.error };
  if (mine?.status && mine.status !== 'ok') {
    return { ...view, error: `switching ${mine.state ?? ''} ${mine.status}${mine.reason ? `: ${mine.reason}` : ''}`.replace(/ {2}/g, ' ') };
  }
  return view;
}

/**
 * Names of what needs a person about a node, for its badges.
 * @param {{health: {silent: boolean, batteryLow: boolean, tripped: boolean}}} node
 * @returns {string[]}
 */
export function healthBadges(node) {
  const out = [];
  if (node.health.silent) out.push('silent');
  if (node.health.batteryLow) out.push('battery low');
  if (node.health.tripped) out.push('tripped');
  return out;
}
