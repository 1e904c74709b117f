import { normalizeMac } from '../../../protocol/mac.ts';
import { ApiError } from '../api-error.ts';
import type { NodeReader } from '../http-api-deps.ts';
import type { NodeView } from '../../../nodes/node-store.ts';

/** The `{mac}` of a path as 12 lower-case hex digits, or the 400 naming it. */
export function macParam(text: string, where = 'params/mac'): string {
  try {
    return normalizeMac(text);
  } catch {
    throw new ApiError(400, 'BAD_MAC', `${where}: ${JSON.stringify(text)} is not a MAC address (aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF or aabbccddeeff)`);
  }
}

/** The node, or the 404 naming it. */
export function nodeOr404(nodes: NodeReader, mac: string): NodeView {
  const node = nodes.get(mac);
  if (!node) throw new ApiError(404, 'UNKNOWN_NODE', `node ${mac.match(/../g)!.join(':')}: not heard since the gateway started`);
  return node;
}
