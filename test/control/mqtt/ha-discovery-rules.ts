/**
 * What Home Assistant's MQTT discovery requires of a payload (single
 * component discovery, home-assistant.io/integrations/mqtt and the sensor,
 * binary_sensor, switch and number platform pages), as a checker the tests
 * run over every message the gateway publishes. Returns problems as text,
 * one per rule broken, so a failing test names them all.
 */

/** Units Home Assistant accepts per sensor/number device class (the ones this gateway may use, and their siblings). */
export const UNITS_BY_DEVICE_CLASS: Readonly<Record<string, readonly (string | undefined)[]>> = {
  temperature: ['°C', '°F', 'K'],
  humidity: ['%'],
  pressure: ['cbar', 'bar', 'hPa', 'mmHg', 'inHg', 'kPa', 'mbar', 'Pa', 'psi'],
  illuminance: ['lx'],
  voltage: ['V', 'mV', 'µV', 'kV', 'MV'],
  current: ['A', 'mA'],
  power: ['mW', 'W', 'kW', 'MW', 'GW', 'TW'],
  energy: ['J', 'kJ', 'MJ', 'GJ', 'mWh', 'Wh', 'kWh', 'MWh', 'GWh', 'TWh', 'cal', 'kcal', 'Mcal', 'Gcal'],
  signal_strength: ['dB', 'dBm'],
  battery: ['%'],
  duration: ['d', 'h', 'min', 's', 'ms'],
  timestamp: [undefined],
};

/** state_class values each device class allows (energy is a total; a timestamp has none). */
const STATE_CLASSES: Readonly<Record<string, readonly (string | undefined)[]>> = {
  energy: ['total', 'total_increasing'],
  timestamp: [undefined],
};
const ANY_STATE_CLASS = ['measurement', 'total', 'total_increasing', undefined];
const BINARY_DEVICE_CLASSES = ['connectivity', 'problem', 'battery', 'power', 'running'];
const SWITCH_DEVICE_CLASSES = ['outlet', 'switch', undefined];
const ID = /^[a-zA-Z0-9_-]+$/;

/** A published message as the test saw it. */
export interface Seen {
  readonly topic: string;
  readonly payload: unknown;
}

/** What the checker needs to know besides the messages. */
export interface Expectations {
  /** Discovery prefix (`homeassistant`). */
  readonly prefix: string;
  /** Our base topic: every state and command topic must be under it. */
  readonly base: string;
  /** Retained state JSON by topic: each entity's value_template key must be in its state topic's JSON. */
  readonly states?: ReadonlyMap<string, Record<string, unknown>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTopic = (v: unknown): v is string => typeof v === 'string' && v !== '' && !/[#+]/.test(v);

/** Every problem of the set of discovery messages (empty = Home Assistant takes them all). */
export function checkDiscovery(messages: readonly Seen[], x: Expectations): string[] {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  const devices = new Set<string>();
  const vias: Array<[string, string]> = [];
  for (const { topic, payload } of messages) {
    const say = (p: string) => problems.push(`${topic}: ${p}`);
    const m = new RegExp(`^${x.prefix}/(sensor|binary_sensor|switch|number)/([^/]+)/([^/]+)/config$`).exec(topic);
    if (!m) { say('not <prefix>/<component>/<node_id>/<object_id>/config for a known component'); continue; }
    const [, component, nodeId, objectId] = m;
    if (!ID.test(nodeId) || !ID.test(objectId)) say('node_id and object_id must be [a-zA-Z0-9_-]');
    if (!isObject(payload)) { say('payload is not a JSON object'); continue; }
    const p = payload;
    if (typeof p.unique_id !== 'string' || p.unique_id === '') say('no unique_id');
    else if (ids.has(p.unique_id)) say(`unique_id ${p.unique_id} also used by ${ids.get(p.unique_id)}`);
    else ids.set(p.unique_id, topic);
    checkDevice(p.device, say, devices, vias);
    if (!isObject(p.origin) || typeof p.origin.name !== 'string' || p.origin.name === '') say('no origin with a name');
    else if (p.origin.support_url !== undefined && !/^https?:\/\//.test(String(p.origin.support_url))) say('origin.support_url is not a URL');
    checkTopics(component, p, x, say);
    checkClasses(component, p, say);
    checkAvailability(p, x, say);
  }
  for (const [topic, via] of vias) if (!devices.has(via)) problems.push(`${topic}: via_device ${via} is no announced device`);
  return problems;
}

function checkDevice(device: unknown, say: (p: string) => void, devices: Set<string>, vias: Array<[string, string]>): void {
  if (!isObject(device)) { say('no device block'); return; }
  const ids = device.identifiers;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((i) => typeof i === 'string' && i !== '')) { say('device.identifiers is not a list of strings'); return; }
  if (typeof device.name !== 'string' || device.name === '') say('device has no name');
  for (const id of ids as string[]) devices.add(id);
  if (device.via_device !== undefined) vias.push([String(ids[0]), String(device.via_device)]);
}

function checkTopics(component: string, p: Record<string, unknown>, x: Expectations, say: (p: string) => void): void {
  if (!isTopic(p.state_topic)) say('no state_topic (or one with a wildcard)');
  else if (!p.state_topic.startsWith(`${x.base}/`)) say(`state_topic ${p.state_topic} is not under ${x.base}`);
  const commanded = component === 'switch' || component === 'number';
  if (commanded && !isTopic(p.command_topic)) say(`${component} needs a command_topic`);
  if (!commanded && p.command_topic !== undefined) say(`${component} takes no command_topic`);
  if (isTopic(p.command_topic) && isTopic(p.state_topic)) {
    const node = (t: string) => t.slice(x.base.length + 1).split('/')[0];
    if (!p.command_topic.startsWith(`${x.base}/`) || !p.command_topic.endsWith('/set')) say(`command_topic ${p.command_topic} is not a set topic under ${x.base}`);
    else if (node(p.command_topic) !== node(p.state_topic)) say('command_topic and state_topic name different nodes');
    if (component === 'switch' && p.command_topic.replace(/\/relay\/set$/, '/state') !== p.state_topic) say('the switch reads another channel than it sets');
  }
  const key = /value_json\.([a-z_]+)/.exec(String(p.value_template ?? ''))?.[1];
  const state = isTopic(p.state_topic) ? x.states?.get(p.state_topic) : undefined;
  if (x.states && key !== undefined && (state === undefined || !(key in state))) say(`value_template reads ${key}, which ${p.state_topic} does not carry`);
}

function checkClasses(component: string, p: Record<string, unknown>, say: (p: string) => void): void {
  const dc = p.device_class as string | undefined;
  const unit = p.unit_of_measurement as string | undefined;
  if (component === 'sensor' || component === 'number') {
    const units = dc === undefined ? undefined : UNITS_BY_DEVICE_CLASS[dc];
    if (dc !== undefined && units === undefined) say(`device_class ${dc} unknown for ${component}`);
    else if (units && !units.includes(unit)) say(`unit ${unit} is not one of ${units.join(', ')} for device_class ${dc}`);
  }
  if (component === 'sensor') {
    const allowed = (dc && STATE_CLASSES[dc]) || ANY_STATE_CLASS;
    if (!allowed.includes(p.state_class as string | undefined)) say(`state_class ${String(p.state_class)} not allowed for device_class ${dc}`);
    if (p.entity_category === 'config') say('a sensor cannot be a config entity');
  }
  if (component === 'binary_sensor' && !BINARY_DEVICE_CLASSES.includes(String(dc))) say(`binary_sensor device_class ${dc} unknown`);
  if (component === 'switch' && !SWITCH_DEVICE_CLASSES.includes(dc)) say(`switch device_class ${dc} unknown`);
  if (p.entity_category !== undefined && !['config', 'diagnostic'].includes(String(p.entity_category))) say(`entity_category ${String(p.entity_category)}`);
  if (component === 'number' && !(typeof p.min === 'number' && typeof p.max === 'number' && p.min < p.max)) say('number needs min < max');
}

function checkAvailability(p: Record<string, unknown>, x: Expectations, say: (p: string) => void): void {
  if (p.availability === undefined) return;
  if (p.availability_topic !== undefined) say('availability and availability_topic together');
  if (!Array.isArray(p.availability) || !p.availability.every((a) => isObject(a) && isTopic(a.topic) && a.topic.startsWith(`${x.base}/`))) {
    say(`availability is not a list of topics under ${x.base}`);
  }
  if (p.availability_mode !== undefined && !['all', 'any', 'latest'].includes(String(p.availability_mode))) say('availability_mode not all/any/latest');
}
