import { ApiError } from '../api-error.ts';
import type { ApiApp, RouteContext } from '../build-app.ts';
import { array, ChannelParam, errors, MacParam, obj, ref } from '../schemas.ts';
import { macParam, nodeOr404 } from './params.ts';

const tags = ['nodes'];
const readErrors = errors(400, 401, 403);

/** `GET /api/nodes`, `GET /api/nodes/{mac}`, `GET /api/nodes/{mac}/channels/{n}`. */
export function nodeRoutes(app: ApiApp, { deps }: RouteContext): void {
  app.get('/api/nodes', {
    schema: { tags, summary: 'Every node heard, in order of first contact', response: { 200: obj({ nodes: array(ref('Node')) }, ['nodes']), ...readErrors } },
  }, async () => ({ nodes: deps.nodes.list() }));

  app.get<{ Params: { mac: string } }>('/api/nodes/:mac', {
    schema: { tags, summary: 'One node', params: obj({ mac: MacParam }, ['mac']), response: { 200: ref('Node'), ...readErrors, ...errors(404) } },
  }, async (req) => nodeOr404(deps.nodes, macParam(req.params.mac)));

  app.get<{ Params: { mac: string; n: number } }>('/api/nodes/:mac/channels/:n', {
    schema: {
      tags, summary: 'One channel of a node (outlet, meter input, button)',
      params: obj({ mac: MacParam, n: ChannelParam }, ['mac', 'n']), response: { 200: ref('Channel'), ...readErrors, ...errors(404) },
    },
  }, async (req) => {
    const node = nodeOr404(deps.nodes, macParam(req.params.mac));
    const channel = node.channels.find((c) => c.channel === req.params.n);
    if (!channel) {
      const known = node.channels.map((c) => c.channel).join(', ') || 'none reported';
      throw new ApiError(404, 'NO_SUCH_CHANNEL', `node ${node.mac} (${node.room}) has no channel ${req.params.n} (channels: ${known})`);
    }
    return channel;
  });
}
