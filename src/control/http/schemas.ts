/**
 * JSON schemas (TypeBox) of the API: requests are validated against them and
 * `/openapi.json` is generated from them. Shared answer shapes are registered
 * once by `$id` (`Node`, `Channel`, `Command`, `Series`, `Error`) and named
 * with {@link ref}; objects the gateway may grow allow extra properties.
 */
import { Type, type TSchema } from 'typebox';

/** A reference to a shared schema by `$id`, as it appears in the route schemas and the OpenAPI components. */
export const ref = (id: 'Node' | 'Channel' | 'Command' | 'Series' | 'Error'): TSchema => Type.Unsafe({ $ref: `${id}#` });

const num = (description: string): TSchema => Type.Optional(Type.Number({ description }));
const stringMap = Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' } });

/** `{code, message}`. */
export const ErrorSchema = Type.Object({
  code: Type.String({ description: 'Stable code: UNKNOWN_NODE, NO_SUCH_CHANNEL, NOT_SUPPORTED, BROKER_SILENT, TOO_MANY_PENDING, UNAUTHORIZED, ...' }),
  message: Type.String({ description: 'What is wrong, naming the node, channel, field or token' }),
}, { $id: 'Error', additionalProperties: false });

const PendingSchema = Type.Object({
  id: Type.Integer(),
  status: Type.String(),
  state: Type.Optional(Type.Enum(['on', 'off'])),
}, { description: 'The command still open for this channel: the page shows "pending" until the node confirms' });

/** One channel (outlet, meter input, button) as the node last reported it. */
export const ChannelSchema = Type.Object({
  channel: Type.Integer(),
  voltage: num('V'), current: num('A'), power: num('W'), energy: num('Wh, the node\'s own counter'),
  relay: Type.Optional(Type.Boolean({ description: 'Relay state confirmed by the node (true = on)' })),
  trip: num('Safety rule that opened the relay: 1 over-current, 2 over-power, 3 humidity, 4 over-temperature; 0 none'),
  powerOnState: num('After a power loss: 0 off, 1 on, 2 as it was'),
  currentLimit: num('A; 0 = none'), humidityLimit: num('%RH; 0 = none'),
  lastPress: Type.Optional(Type.Object({ press: Type.Integer({ description: '1 short, 2 long' }), atMs: Type.Number() })),
  updatedMs: Type.Number({ description: 'ms since the epoch' }),
  pendingCommand: Type.Optional(PendingSchema),
}, { $id: 'Channel', additionalProperties: true });

/** One node, a snapshot in display units. */
export const NodeSchema = Type.Object({
  mac: Type.String({ description: 'aa:bb:cc:dd:ee:ff' }),
  room: Type.String(),
  firmware: Type.Optional(Type.String()),
  capabilities: Type.Optional(Type.Integer()),
  capabilityNames: Type.Array(Type.String(), { description: 'relay, listening, ...' }),
  intervalS: num('Report interval, s'),
  firstSeenMs: Type.Number(), lastSeenMs: Type.Number(),
  rssi: num('dBm'), batteryV: num('V'), status: Type.Optional(Type.Integer()),
  latest: Type.Object({ temperature: num('degC'), humidity: num('%RH'), pressure: num('hPa'), illuminance: num('lx') }, { additionalProperties: true }),
  counters: Type.Object({ messages: Type.Integer(), duplicates: Type.Integer(), lost: Type.Integer() }, { additionalProperties: true }),
  health: Type.Object({ silent: Type.Boolean(), batteryLow: Type.Boolean(), tripped: Type.Boolean() }, { additionalProperties: true }),
  channels: Type.Array(ref('Channel')),
}, { $id: 'Node', additionalProperties: true });

const ActionSchema = Type.Object({
  type: Type.Enum(['relay', 'limits', 'interval', 'text', 'leds']),
}, { additionalProperties: true, description: 'relay {channel, state, autoOffS?}, limits {channel, powerOnState?, currentLimitA?, humidityLimitPct?}, interval {intervalS}, text {text}, leds {mask}' });

/** A command and everything that became of it. */
export const CommandSchema = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 65535 }),
  mac: Type.String({ description: 'aa:bb:cc:dd:ee:ff' }),
  room: Type.String(),
  channel: Type.Optional(Type.Integer()),
  action: ActionSchema,
  requested: ActionSchema,
  source: Type.Enum(['api', 'mqtt', 'rule', 'panel']),
  status: Type.Enum(['accepted', 'queued', 'sent', 'delivered', 'ok', 'unsupported', 'invalid', 'failed', 'expired', 'unconfirmed', 'superseded']),
  reason: Type.Optional(Type.String()),
  createdMs: Type.Number(), updatedMs: Type.Number(),
  history: Type.Array(Type.Object({ status: Type.String(), atMs: Type.Number(), reason: Type.Optional(Type.String()) })),
}, { $id: 'Command', additionalProperties: true });

/** One series of `GET /api/readings`. */
export const SeriesSchema = Type.Object({
  tags: stringMap,
  points: Type.Array(Type.Array(Type.Union([Type.Number(), Type.Null()]), { minItems: 2, maxItems: 2 }), {
    description: '[time ms (start of the step), value or null when the step had no data]',
  }),
}, { $id: 'Series', additionalProperties: false });

/** Every shared schema, to register with `app.addSchema`. */
export const SHARED_SCHEMAS = [ErrorSchema, ChannelSchema, NodeSchema, CommandSchema, SeriesSchema];

/** `{mac}` in any spelling the config accepts. */
export const MacParam = Type.String({ description: 'aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF or aabbccddeeff' });
/** `{n}`: a channel number. */
export const ChannelParam = Type.Integer({ minimum: 0, maximum: 255 });

/** Error answers by status, for a route's `response`. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ref('Error')]));
}
