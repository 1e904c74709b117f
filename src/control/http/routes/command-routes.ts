import type { FastifyReply, FastifyRequest } from 'fastify';
import { FINAL_STATUSES, type CommandRequest, type PowerOnState } from '../../../commands/types.ts';
import { ApiError } from '../api-error.ts';
import { commandToApi } from '../api-views.ts';
import type { ApiApp, RouteContext } from '../build-app.ts';
import { MAX_PREFER_WAIT_S, preferWaitS } from '../prefer-wait.ts';
import { array, ChannelParam, errors, MacParam, obj, ref } from '../schemas.ts';
import { macParam } from './params.ts';

const tags = ['commands'];
const PreferHeader = obj({
  prefer: { type: 'string', description: `wait=N: wait up to N s (at most ${MAX_PREFER_WAIT_S}) for a final status; 200 when final, 202 when not yet` },
});
const controlErrors = errors(400, 401, 403, 404, 409, 429, 503);
const accepted = { 200: ref('Command'), 202: ref('Command'), ...controlErrors };
const Node = obj({ mac: MacParam }, ['mac']);
const NodeChannel = obj({ mac: MacParam, n: ChannelParam }, ['mac', 'n']);

const RelayBody = obj({
  state: { enum: ['on', 'off', 'toggle'], description: 'toggle is resolved at the gateway from the confirmed (or pending) state' },
  autoOffS: { type: 'integer', minimum: 0, maximum: 65535, description: 'Turn off again after this many s; 0 = stays on' },
}, ['state'], { additionalProperties: false });
const LimitsBody = obj({
  powerOnState: { enum: ['off', 'on', 'as-was'] },
  currentLimitA: { type: 'number', minimum: 0, maximum: 65.535, description: 'A; 0 = no limit' },
  humidityLimitPct: { type: 'number', minimum: 0, maximum: 100, description: '%RH; 0 = no limit' },
}, [], { additionalProperties: false, description: 'At least one of the three' });
const IntervalBody = obj({ intervalS: { type: 'integer', minimum: 1, maximum: 65535, description: 's between reports' } }, ['intervalS'], { additionalProperties: false });
const CommandsQuery = obj({
  mac: MacParam,
  open: { type: 'boolean', description: 'true: only commands not yet final; false: only final ones' },
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
}, [], { additionalProperties: false });

/** What the schemas above let through, for the handlers. */
interface NodeChannelParams { mac: string; n: number }
interface PreferHeaders { prefer?: string }
interface Relay { state: 'on' | 'off' | 'toggle'; autoOffS?: number }
interface Limits { powerOnState?: PowerOnState; currentLimitA?: number; humidityLimitPct?: number }
type Control<P, B> = { Params: P; Headers: PreferHeaders; Body: B };

/**
 * The control routes (scope `control`, rate-limited) and the command reads:
 * `PUT .../relay`, `PUT .../limits`, `PUT /api/nodes/{mac}/interval`,
 * `GET /api/commands`, `GET /api/commands/{id}`.
 */
export function commandRoutes(app: ApiApp, ctx: RouteContext): void {
  const { deps } = ctx;
  const config = { access: 'control' as const, rateLimit: { max: deps.config.controlRatePerMin, timeWindow: deps.tuning?.rateWindowMs ?? 60_000 } };
  const submit = (req: FastifyRequest, reply: FastifyReply, mac: string, request: CommandRequest) => submitted(ctx, req, reply, mac, request);

  app.put<Control<NodeChannelParams, Relay>>('/api/nodes/:mac/channels/:n/relay', {
    config, schema: { tags, summary: 'Switch a relay', params: NodeChannel, headers: PreferHeader, body: RelayBody, response: accepted },
  }, async (req, reply) => submit(req, reply, macParam(req.params.mac), { type: 'relay', channel: req.params.n, ...req.body }));

  app.put<Control<NodeChannelParams, Limits>>('/api/nodes/:mac/channels/:n/limits', {
    config, schema: { tags, summary: 'Power-on state, current limit, humidity limit of a channel', params: NodeChannel, headers: PreferHeader, body: LimitsBody, response: accepted },
  }, async (req, reply) => {
    if (Object.keys(req.body).length === 0) throw new ApiError(400, 'BAD_REQUEST', 'body: give at least one of powerOnState, currentLimitA, humidityLimitPct');
    return submit(req, reply, macParam(req.params.mac), { type: 'limits', channel: req.params.n, ...req.body });
  });

  app.put<Control<{ mac: string }, { intervalS: number }>>('/api/nodes/:mac/interval', {
    config, schema: { tags, summary: 'Seconds between reports', params: Node, headers: PreferHeader, body: IntervalBody, response: accepted },
  }, async (req, reply) => submit(req, reply, macParam(req.params.mac), { type: 'interval', intervalS: req.body.intervalS }));

  app.get<{ Querystring: { mac?: string; open?: boolean; limit?: number } }>('/api/commands', {
    schema: {
      tags, summary: 'Commands, newest first', querystring: CommandsQuery,
      response: { 200: obj({ commands: array(ref('Command')) }, ['commands']), ...errors(400, 401, 403) },
    },
  }, async (req) => {
    const { mac, open, limit } = req.query;
    const filter = { ...(mac !== undefined ? { mac: macParam(mac, 'query/mac') } : {}), ...(open !== undefined ? { open } : {}), ...(limit !== undefined ? { limit } : {}) };
    return { commands: deps.commands.list(filter).map(commandToApi) };
  });

  app.get<{ Params: { id: number } }>('/api/commands/:id', {
    schema: { tags, summary: 'One command', params: obj({ id: { type: 'integer', minimum: 1, maximum: 65535 } }, ['id']), response: { 200: ref('Command'), ...errors(400, 401, 403, 404) } },
  }, async (req) => {
    const command = deps.commands.get(req.params.id);
    if (!command) throw new ApiError(404, 'UNKNOWN_COMMAND', `command ${req.params.id}: not known (never made, or final and long forgotten: see dataDir/commands.jsonl)`);
    return commandToApi(command);
  });
}

/** Submits, then honours `Prefer: wait=N`: 200 with the final command, or 202 with where it is now. */
async function submitted(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply, mac: string, request: CommandRequest): Promise<unknown> {
  const view = ctx.deps.commands.submit(mac, request, 'api');
  let current = view;
  const waitS = preferWaitS(req.headers.prefer);
  if (waitS !== undefined) {
    reply.header('Preference-Applied', `wait=${waitS}`);
    const final = ctx.deps.commands.waitFinal(view.id, waitS * 1000);
    current = (await Promise.race([final, ctx.closing.then(() => ctx.deps.commands.get(view.id))])) ?? view;
  }
  reply.header('Location', `/api/commands/${view.id}`).code(FINAL_STATUSES.has(current.status) ? 200 : 202);
  return commandToApi(current);
}
