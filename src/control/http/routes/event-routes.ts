import type { ApiApp, RouteContext } from '../build-app.ts';
import { errors, obj } from '../schemas.ts';

const EVENTS = 'Server-sent events, each `data:` one JSON object: `reading` (a message accepted, MAC as aa:bb:..), `node` (the node after a change, as GET /api/nodes/{mac}; at most one round of them per 100 ms: a change goes out at once, and the nodes that change again within the 100 ms get one event each at its end, with their state then), `command` (a command after a status change), `sink` (the storage path\'s health). A comment line every 15 s. A client that falls behind is disconnected; EventSource reconnects by itself.';

/** `GET /api/events` (server-sent events) and `GET /api/health`. */
export function eventRoutes(app: ApiApp, { deps, hub }: RouteContext): void {
  app.get('/api/events', {
    schema: {
      tags: ['events'], summary: 'Live events', description: EVENTS,
      response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors(401, 403) },
    },
  }, (req, reply) => {
    reply.hijack();
    hub.add(reply.raw);
  });

  app.get('/api/health', {
    schema: {
      tags: ['health'], summary: 'The gateway\'s health: sink, broker, counters, API',
      response: {
        200: obj({ api: obj({ eventClients: { type: 'integer' }, eventClientsDropped: { type: 'integer' } }, ['eventClients', 'eventClientsDropped']) }, ['api'], { additionalProperties: true }),
        ...errors(401, 403),
      },
    },
  }, async () => ({ ...deps.health(), api: { eventClients: hub.size, eventClientsDropped: hub.dropped } }));
}
