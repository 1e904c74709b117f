import { spawn } from 'node:child_process';
import test from 'ava';
import { METRIC_FAMILIES, renderExposition } from '../../../src/control/metrics/exposition.ts';
import { record } from '../../../src/protocol/index.ts';
import { commandIn, METER, radio, SENSOR, startMetricsRig, T0 } from './metrics-rig.ts';

/** One sample line of the text format, labels unescaped. */
interface Line { name: string; labels: Record<string, string>; value: number }

function parseExposition(text: string): { samples: Line[]; help: Map<string, string>; type: Map<string, string> } {
  const samples: Line[] = [];
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) (meta[1] === 'HELP' ? help : type).set(meta[2], meta[3]);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, help, type };
}

const meter = { node: 'a2:b2:c2:d2:e2:f2', room: 'Garage' };
const sensor = { node: 'a2:b2:c2:d2:e2:f1', room: 'Hall "north"' };

/** [family, labels, value]: what the rig's nodes and counters export. */
const ROWS: Array<[string, Record<string, string>, number]> = [
  ['espnow_node_temperature_celsius', sensor, 21.53],
  ['espnow_node_humidity_ratio', sensor, 0.4012],
  ['espnow_node_pressure_pascals', sensor, 101327],
  ['espnow_node_illuminance_lux', sensor, 345.67],
  ['espnow_node_battery_volts', sensor, 3.912],
  ['espnow_node_rssi_dbm', sensor, -72],
  ['espnow_node_last_seen_timestamp_seconds', sensor, (T0 - 5_000) / 1000],
  ['espnow_node_report_interval_seconds', sensor, 300],
  ['espnow_node_info', { ...sensor, firmware: 'node-2.1' }, 1],
  ['espnow_node_info', { ...meter, firmware: '' }, 1],
  ['espnow_node_messages_total', meter, 2],
  ['espnow_node_duplicate_messages_total', meter, 1],
  ['espnow_node_lost_messages', meter, 1],
  ['espnow_node_silent', meter, 0],
  ['espnow_node_battery_low', sensor, 0],
  ['espnow_node_tripped', meter, 0],
  ['espnow_channel_power_watts', { ...meter, channel: '1' }, 2831.5],
  ['espnow_channel_voltage_volts', { ...meter, channel: '1' }, 230.12],
  ['espnow_channel_voltage_volts', { ...meter, channel: '2' }, 229.5],
  ['espnow_channel_current_amperes', { ...meter, channel: '1' }, -1.234],
  ['espnow_channel_energy_joules_total', { ...meter, channel: '1' }, 123_456 * 3600],
  ['espnow_channel_relay_on', { ...meter, channel: '1' }, 1],
  ['espnow_channel_relay_on', { ...meter, channel: '2' }, 0],
  ['espnow_frames_total', {}, 120],
  ['espnow_console_lines_total', {}, 7],
  ['espnow_bad_frames_total', {}, 2],
  ['espnow_bad_messages_total', {}, 1],
  ['espnow_messages_total', {}, 4],
  ['espnow_duplicate_messages_total', {}, 1],
  ['espnow_lost_messages', {}, 1],
  ['espnow_points_total', {}, 11],
  ['espnow_broker_boots_total', {}, 1],
  ['espnow_broker_heartbeats_total', {}, 30],
  ['espnow_nodes', {}, 2],
  ['espnow_sink_reachable', {}, 0],
  ['espnow_spool_backlog_points', {}, 42],
  ['espnow_spool_backlog_bytes', {}, 3900],
  ['espnow_influx_write_errors_total', {}, 5],
  ['espnow_commands_open', { status: 'queued' }, 1],
  ['espnow_commands_open', { status: 'sent' }, 0],
  ['espnow_command_status_changes_total', { status: 'accepted' }, 2],
  ['espnow_command_status_changes_total', { status: 'ok' }, 1],
  ['espnow_command_status_changes_total', { status: 'expired' }, 0],
  ['espnow_broker_heartbeat_age_seconds', {}, 12.5],
  ['espnow_udp_datagrams_total', {}, 0],
  ['espnow_udp_datagrams_invalid_total', { reason: 'decode' }, 0],
];

/** The rig after two commands were accepted, one went ok and one waits queued, and the broker's HB 12.5 s ago. */
async function scrape(): Promise<ReturnType<typeof parseExposition> & { text: string }> {
  const rig = startMetricsRig();
  try {
    rig.open.push(commandIn(8, 'queued'));
    rig.bus.emit('commandChanged', commandIn(7, 'accepted'));
    rig.bus.emit('commandChanged', commandIn(8, 'accepted'));
    rig.bus.emit('commandChanged', commandIn(7, 'ok'));
    rig.bus.emit('broker', { type: 'hb', atMs: T0 - 12_500, uptimeS: 100, queued: 0 });
    const text = await rig.metrics.render();
    return { ...parseExposition(text), text };
  } finally {
    rig.stop();
  }
}

for (const [name, labels, value] of ROWS) {
  test(`${name}${JSON.stringify(labels)} is ${value}`, async (t) => {
    const { samples } = await scrape();
    const hits = samples.filter((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels));
    t.is(hits.length, 1, `one sample of ${name} with exactly the labels ${JSON.stringify(labels)}`);
    t.is(hits[0]?.value, value);
  });
}

test('every family is in the table above and has HELP and TYPE lines of its type', async (t) => {
  const { help, type } = await scrape();
  for (const family of METRIC_FAMILIES) {
    t.true(ROWS.some(([name]) => name === family.name), `${family.name} has a row`);
    t.is(type.get(family.name), family.type, family.name);
    t.truthy(help.get(family.name), family.name);
  }
});

/** Every family with a physical unit, and the unit its name ends in (Prometheus' naming guide: base units, plural). */
const UNITS: Record<string, string> = {
  espnow_node_temperature_celsius: 'celsius', espnow_node_humidity_ratio: 'ratio', espnow_node_pressure_pascals: 'pascals',
  espnow_node_illuminance_lux: 'lux', espnow_node_battery_volts: 'volts', espnow_node_rssi_dbm: 'dbm',
  espnow_node_last_seen_timestamp_seconds: 'seconds', espnow_node_report_interval_seconds: 'seconds',
  espnow_channel_power_watts: 'watts', espnow_channel_voltage_volts: 'volts', espnow_channel_current_amperes: 'amperes',
  espnow_channel_energy_joules_total: 'joules', espnow_spool_backlog_bytes: 'bytes', espnow_broker_heartbeat_age_seconds: 'seconds',
};

test('names: espnow_ prefix, _total exactly on counters, base units, no unit in labels', (t) => {
  for (const f of METRIC_FAMILIES) {
    t.regex(f.name, /^espnow_[a-z_]+$/, f.name);
    t.is(f.name.endsWith('_total'), f.type === 'counter', `${f.name}: _total on counters only`);
    t.false(/milli|kilo|hpa|percent|_wh$|_wh_|watt_hours|degc/.test(f.name), `${f.name}: base units only`);
    if (UNITS[f.name]) t.true(f.name.replace(/_total$/, '').endsWith(`_${UNITS[f.name]}`), f.name);
    for (const label of f.labels) t.regex(label, /^(node|room|channel|firmware|status|reason)$/, `${f.name} label ${label}`);
  }
  for (const name of Object.keys(UNITS)) t.true(METRIC_FAMILIES.some((f) => f.name === name), `${name} exists`);
});

test('a room with a quote, a backslash and a newline is escaped in the label value', async (t) => {
  const rig = startMetricsRig();
  try {
    rig.registry.setRooms(new Map([[SENSOR, 'A "b" \\ c\nd']]));
    const text = await rig.metrics.render();
    t.true(text.includes('espnow_node_rssi_dbm{node="a2:b2:c2:d2:e2:f1",room="A \\"b\\" \\\\ c\\nd"} -72'));
    t.deepEqual(parseExposition(text).samples.find((s) => s.name === 'espnow_node_rssi_dbm' && s.labels.node === 'a2:b2:c2:d2:e2:f1')?.labels.room, 'A "b" \\ c\nd');
  } finally {
    rig.stop();
  }
});

test('values not known yet have no series: no heartbeat, no spool, a node without a reading', async (t) => {
  const rig = startMetricsRig();
  try {
    Object.assign(rig.sink, { backlogBytes: undefined, writeErrors: undefined });
    const { samples, type } = parseExposition(await rig.metrics.render());
    for (const name of ['espnow_broker_heartbeat_age_seconds', 'espnow_spool_backlog_bytes', 'espnow_influx_write_errors_total']) {
      t.false(samples.some((s) => s.name === name), name);
      t.false(type.has(name), `${name} has no TYPE line either`);
    }
    t.false(samples.some((s) => s.name === 'espnow_node_temperature_celsius' && s.labels.node === 'a2:b2:c2:d2:e2:f2'), 'the meter has no temperature');
    t.false(samples.some((s) => s.name === 'espnow_channel_power_watts' && s.labels.channel === '2'), 'channel 2 reported no power');
  } finally {
    rig.stop();
  }
});

test('the energy counter is the node\'s own: a later report replaces it, never adds to it', async (t) => {
  const rig = startMetricsRig();
  try {
    const energy = async () => parseExposition(await rig.metrics.render()).samples.find((s) => s.name === 'espnow_channel_energy_joules_total' && s.labels.channel === '1')?.value;
    t.is(await energy(), 123_456 * 3600);
    t.is(await energy(), 123_456 * 3600, 'a second scrape is the same');
    rig.registry.accept(METER, -67, radio(4, [record('channel', 1), record('energy', 123_500)]), T0);
    t.is(await energy(), 123_500 * 3600, 'the new value of the node, not the sum of both');
  } finally {
    rig.stop();
  }
});

test(`a silent node is marked silent after 3 of its intervals (the read model's health), ${METER}`, async (t) => {
  const rig = startMetricsRig();
  try {
    rig.clock.now = T0 + 3 * 300_000;
    const { samples } = parseExposition(await rig.metrics.render());
    t.is(samples.find((s) => s.name === 'espnow_node_silent' && s.labels.node === 'a2:b2:c2:d2:e2:f2')?.value, 1);
  } finally {
    rig.stop();
  }
});

test('stop() unsubscribes from the bus', (t) => {
  const rig = startMetricsRig();
  const before = rig.bus.count('commandChanged');
  rig.metrics.stop();
  t.is(rig.bus.count('commandChanged'), before - 1);
  t.is(rig.bus.count('broker'), 0);
  rig.nodes.stop();
});

test('promtool check metrics finds nothing to lint in the exposition', async (t) => {
  const { text } = await scrape();
  const result = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(text);
  });
  t.is(result.out, '');
  t.is(result.code, 0);
});

test('renderExposition of an empty gateway is valid and has the gateway families', async (t) => {
  const text = await renderExposition({
    nowMs: T0, nodes: [], sink: { reachable: true, backlogPoints: 0 }, openCommands: {}, commandStatusChanges: {},
    gateway: { frames: 0, consoleLines: 0, badFrames: 0, badMessages: 0, messages: 0, duplicates: 0, lost: 0, points: 0, brokerBoots: 0, heartbeats: 0 },
  });
  t.true(text.includes('espnow_frames_total 0'));
  t.true(text.includes('# TYPE espnow_channel_energy_joules_total counter'));
  t.false(text.includes('espnow_udp_datagrams_total'), 'no UDP listener, no UDP families');
});
