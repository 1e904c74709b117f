/**
 * JSON schemas of the API, as plain objects: fastify's ajv validates the
 * requests against them and `/openapi.json` is generated from them. Shared
 * answer shapes are registered once by `$id` (`Node`, `Channel`, `Command`,
 * `Series`, `Error`) and named with {@link ref}; objects the gateway may grow
 * allow extra properties. Handlers get their request types from small
 * interfaces beside each route, not from the schemas.
 */

/** A JSON Schema object (draft 7, as fastify's ajv takes it). */
export type Schema = Record<string, unknown>;

/**
 * `{type: 'object', required, properties, ...options}`; `required` is left
 * out when empty (list it in the order of `properties`).
 */
export function obj(properties: Record<string, Schema>, required: readonly string[] = [], options: Schema = {}): Schema {
  return { type: 'object', ...(required.length > 0 ? { required: [...required] } : {}), properties, ...options };
}

/** A reference to a shared schema by `$id`, as it appears in the route schemas and the OpenAPI components. */
export const ref = (id: 'Node' | 'Channel' | 'Command' | 'Series' | 'Error'): Schema => ({ $ref: `${id}#` });
/** `{type: 'array', items, ...options}`. */
export const array = (items: Schema, options: Schema = {}): Schema => ({ type: 'array', items, ...options });

const num = (description: string): Schema => ({ type: 'number', description });
const NUMBER = { type: 'number' };
const INTEGER = { type: 'integer' };
const STRING = { type: 'string' };
const BOOLEAN = { type: 'boolean' };

/** `{code, message}`. */
export const ErrorSchema = obj({
  code: { type: 'string', description: 'Stable code: UNKNOWN_NODE, NO_SUCH_CHANNEL, NOT_SUPPORTED, BROKER_SILENT, TOO_MANY_PENDING, UNAUTHORIZED, ...' },
  message: { type: 'string', description: 'What is wrong, naming the node, channel, field or token' },
}, ['code', 'message'], { $id: 'Error', additionalProperties: false });

const PendingSchema = obj({
  id: INTEGER,
  status: STRING,
  state: { enum: ['on', 'off'] },
}, ['id', 'status'], { description: 'The command still open for this channel: the page shows "pending" until the node confirms' });

/** One channel (outlet, meter input, button) as the node last reported it. */
export const ChannelSchema = obj({
  channel: INTEGER,
  voltage: num('V'), current: num('A'), power: num('W'), energy: num('Wh, the node\'s own counter'),
  relay: { type: 'boolean', description: 'Relay state confirmed by the node (true = on)' },
  trip: num('Safety rule that opened the relay: 1 over-current, 2 over-power, 3 humidity, 4 over-temperature; 0 none'),
  powerOnState: num('After a power loss: 0 off, 1 on, 2 as it was'),
  currentLimit: num('A; 0 = none'), humidityLimit: num('%RH; 0 = none'),
  lastPress: obj({ press: { type: 'integer', description: '1 short, 2 long' }, atMs: NUMBER }, ['press', 'atMs']),
  updatedMs: num('ms since the epoch'),
  pendingCommand: PendingSchema,
}, ['channel', 'updatedMs'], { $id: 'Channel', additionalProperties: true });

/** One node, a snapshot in display units. */
export const NodeSchema = obj({
  mac: { type: 'string', description: 'aa:bb:cc:dd:ee:ff' },
  room: STRING,
  firmware: STRING,
  capabilities: INTEGER,
  capabilityNames: array(STRING, { description: 'relay, listening, ...' }),
  intervalS: num('Report interval, s'),
  firstSeenMs: NUMBER, lastSeenMs: NUMBER,
  rssi: num('dBm'), batteryV: num('V'), status: INTEGER,
  latest: obj({ temperature: num('degC'), humidity: num('%RH'), pressure: num('hPa'), illuminance: num('lx') }, [], { additionalProperties: true }),
  counters: obj({ messages: INTEGER, duplicates: INTEGER, lost: INTEGER }, ['messages', 'duplicates', 'lost'], { additionalProperties: true }),
  health: obj({ silent: BOOLEAN, batteryLow: BOOLEAN, tripped: BOOLEAN }, ['silent', 'batteryLow', 'tripped'], { additionalProperties: true }),
  channels: array(ref('Channel')),
}, ['mac', 'room', 'capabilityNames', 'firstSeenMs', 'lastSeenMs', 'latest', 'counters', 'health', 'channels'], { $id: 'Node', additionalProperties: true });

const ActionSchema = obj({
  type: { enum: ['relay', 'limits', 'interval', 'text', 'leds'] },
}, ['type'], { additionalProperties: true, description: 'relay {channel, state, autoOffS?}, limits {channel, powerOnState?, currentLimitA?, humidityLimitPct?}, interval {intervalS}, text {text}, leds {mask}' });

/** A command and everything that became of it. */
export const CommandSchema = obj({
  id: { type: 'integer', minimum: 1, maximum: 65535 },
  mac: { type: 'string', description: 'aa:bb:cc:dd:ee:ff' },
  room: STRING,
  channel: INTEGER,
  action: ActionSchema,
  requested: ActionSchema,
  source: { enum: ['api', 'mqtt', 'rule', 'panel'] },
  status: { enum: ['accepted', 'queued', 'sent', 'delivered', 'ok', 'unsupported', 'invalid', 'failed', 'expired', 'unconfirmed', 'superseded'] },
  reason: STRING,
  createdMs: NUMBER, updatedMs: NUMBER,
  history: array(obj({ status: STRING, atMs: NUMBER, reason: STRING }, ['status', 'atMs'])),
}, ['id', 'mac', 'room', 'action', 'requested', 'source', 'status', 'createdMs', 'updatedMs', 'history'], { $id: 'Command', additionalProperties: true });

/** One series of `GET /api/readings`. */
export const SeriesSchema = obj({
  tags: { type: 'object', additionalProperties: STRING },
  points: array(array({ anyOf: [NUMBER, { type: 'null' }] }, { minItems: 2, maxItems: 2 }), {
    description: '[time ms (start of the step), value or null when the step had no data]',
  }),
}, ['tags', 'points'], { $id: 'Series', additionalProperties: false });

/** Every shared schema, to register with `app.addSchema`. */
export const SHARED_SCHEMAS = [ErrorSchema, ChannelSchema, NodeSchema, CommandSchema, SeriesSchema];

/** `{mac}` in any spelling the config accepts. */
export const MacParam: Schema = { type: 'string', description: 'aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF or aabbccddeeff' };
/** `{n}`: a channel number. */
export const ChannelParam: Schema = { type: 'integer', minimum: 0, maximum: 255 };

/** Error answers by status, for a route's `response`. */
export function errors(...statuses: number[]): Record<number, Schema> {
  return Object.fromEntries(statuses.map((s) => [s, ref('Error')]));
}
