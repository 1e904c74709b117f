/**
 * Whether a node can take a command, pure: MAC spelling, capability, channel,
 * the toggle's resolution, room in the queue,
 * the broker's last sign of life. Each refusal names the node and channel.
 */
import { CAPABILITY_BITS, formatMac, normalizeMac } from '../protocol/index.ts';
import { actionChannel } from './command-action.ts';
import { CommandRefusedError } from './command-refused-error.ts';
import type { CommandAction, CommandLimits, CommandNodeInfo, CommandRequest } from './types.ts';

/** MACs of CAN nodes bridged by the broker (`02:ca:00:00:00:nn`, protocol section 4); they are listening nodes. */
const CAN_PREFIX = '02ca000000';

/** The MAC in any spelling the config accepts, as 12 lower-case hex digits; `BAD_REQUEST` otherwise. */
export function wireMac(text: string): string {
  try {
    return normalizeMac(text);
  } catch {
    throw new CommandRefusedError('BAD_REQUEST', `node ${JSON.stringify(text)}: not a MAC address (12 hex digits)`);
  }
}

/** The capability a request needs, with its name for messages. */
function neededCapability(request: CommandRequest): [bit: number, what: string] | undefined {
  switch (request.type) {
    case 'relay':
    case 'limits': return [CAPABILITY_BITS.RELAY, 'a relay'];
    case 'text': return [CAPABILITY_BITS.TEXT_DISPLAY, 'a text display'];
    case 'leds': return [CAPABILITY_BITS.LEDS, 'LEDs'];
    case 'interval': return undefined;
  }
}

/**
 * Refuses what the node visibly cannot do: `NOT_SUPPORTED` when its HELLO
 * lacks the capability, `NO_SUCH_CHANNEL` when it has reported channels and
 * not this one. A node whose HELLO was not heard (the gateway restarted since
 * its cold boot) or that reported no channel yet gets the command, and says
 * `unsupported` or `invalid` itself.
 */
export function checkNodeCan(mac: string, node: CommandNodeInfo, request: CommandRequest): void {
  const need = neededCapability(request);
  if (need && node.capabilities !== undefined && (node.capabilities & need[0]) === 0) {
    throw new CommandRefusedError('NOT_SUPPORTED', `node ${formatMac(mac)} (${node.room}) has no ${need[1]} (capabilities 0x${node.capabilities.toString(16)})`);
  }
  const channel = actionChannel(request);
  if (channel !== undefined && node.channels.length > 0 && !node.channels.includes(channel)) {
    throw new CommandRefusedError(
      'NO_SUCH_CHANNEL',
      `node ${formatMac(mac)} (${node.room}) has no channel ${channel} (it has ${[...node.channels].sort((a, b) => a - b).join(', ')})`,
    );
  }
}

/** True for a node that keeps its radio on: capability bit 5, or a CAN node. Unknown capabilities count as sleepy, as the broker counts them. */
export const isListening = (mac: string, node: CommandNodeInfo): boolean =>
  mac.startsWith(CAN_PREFIX) || ((node.capabilities ?? 0) & CAPABILITY_BITS.LISTENING) !== 0;

/** `BROKER_SILENT` unless the broker sent `HB` or `BOOT` within `silentMs` of `nowMs`. */
export function checkBrokerHeard(nowMs: number, heardMs: number | undefined, silentMs: number): void {
  if (heardMs === undefined) {
    throw new CommandRefusedError('BROKER_SILENT', 'the broker has sent no heartbeat since the gateway started; commands are refused until it does');
  }
  const silentS = Math.round((nowMs - heardMs) / 1000);
  if (nowMs - heardMs > silentMs) {
    throw new CommandRefusedError(
      'BROKER_SILENT',
      `the broker has sent no heartbeat for ${silentS} s (last at ${new Date(heardMs).toISOString()}); commands are refused until it is heard again`,
    );
  }
}

/** An open command, as far as the checks below need it. */
interface OpenCommand {
  readonly id: number;
  readonly mac: string;
  readonly action: CommandAction;
}

/**
 * The action a request stands for. A toggle becomes on or off from the state
 * the last open command for that relay will leave (so toggles queued behind
 * each other do not cancel out), else from the state the node reported;
 * `UNKNOWN_STATE` when there is neither. Auto-off is kept only for on.
 * `open` is in the order the commands were accepted.
 */
export function resolveRequest(mac: string, node: CommandNodeInfo, request: CommandRequest, open: readonly OpenCommand[]): { action: CommandAction; reason?: string } {
  if (request.type !== 'relay' || request.state !== 'toggle') return { action: request as CommandAction };
  const ch = request.channel;
  const last = open.filter((e) => e.mac === mac && e.action.type === 'relay' && e.action.channel === ch).at(-1);
  const confirmed = node.relay(ch);
  const was = last?.action.type === 'relay' ? last.action.state : confirmed === undefined ? undefined : confirmed ? 'on' : 'off';
  if (was === undefined) {
    throw new CommandRefusedError(
      'UNKNOWN_STATE',
      `node ${formatMac(mac)} (${node.room}) channel ${ch}: the relay's state is not known yet, so toggle cannot be resolved; send on or off`,
    );
  }
  const state = was === 'on' ? 'off' : 'on';
  const action: CommandAction = state === 'on' && request.autoOffS !== undefined
    ? { type: 'relay', channel: ch, state, autoOffS: request.autoOffS }
    : { type: 'relay', channel: ch, state };
  return { action, reason: last ? `toggle: command ${last.id} leaves channel ${ch} ${was}` : `toggle: channel ${ch} was ${was}` };
}

/** `TOO_MANY_PENDING` when `open` (less `freed` about to be superseded) is at the per-node or total bound. */
export function checkRoom(mac: string, open: readonly OpenCommand[], freed: number, limits: Pick<CommandLimits, 'maxOpen' | 'maxOpenPerNode'>): void {
  const mine = open.filter((e) => e.mac === mac).length - freed;
  if (mine >= limits.maxOpenPerNode) {
    throw new CommandRefusedError('TOO_MANY_PENDING', `node ${formatMac(mac)}: ${mine} commands are still open (at most ${limits.maxOpenPerNode})`);
  }
  if (open.length - freed >= limits.maxOpen) {
    throw new CommandRefusedError('TOO_MANY_PENDING', `${open.length - freed} commands are still open (at most ${limits.maxOpen})`);
  }
}
