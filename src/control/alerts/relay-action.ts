import { CommandRefusedError, type CommandQueueApi, type CommandView } from '../../commands/types.ts';
import type { Logger } from '../../log.ts';
import { normalizeMac } from '../../protocol/mac.ts';
import type { RelayAction } from './alerts-config.ts';
import type { AlertLabels } from './alert-state.ts';

/**
 * Submits a rule's relay command when its alert fires, with source `rule`:
 * the node named in the action, else the alert's `node` label; the channel
 * named, else the alert's `channel` label. A refusal (broker silent, unknown
 * node, ...) is logged with its code and never thrown: the alert still
 * notifies. Returns the command when the queue took it.
 */
export function submitRelayAction(
  commands: CommandQueueApi, rule: string, action: RelayAction, labels: AlertLabels, log: Logger,
): CommandView | undefined {
  const node = action.mac ?? labels.node;
  const channel = action.channel ?? (labels.channel !== undefined ? Number(labels.channel) : undefined);
  if (node === undefined || channel === undefined) {
    log.warn({ alert: rule, labels }, `alert ${rule}: relay action has no node or channel to switch`);
    return undefined;
  }
  try {
    const view = commands.submit(normalizeMac(node), { type: 'relay', channel, state: action.state }, 'rule');
    log.info({ alert: rule, node, channel, state: action.state, id: view.id }, `alert ${rule}: relay ${action.state} sent to ${node} channel ${channel}`);
    return view;
  } catch (err) {
    if (err instanceof CommandRefusedError) {
      log.warn({ alert: rule, node, channel, code: err.code }, `alert ${rule}: relay ${action.state} refused: ${err.message}`);
    } else {
      log.error({ err, alert: rule, node, channel }, `alert ${rule}: relay ${action.state} failed`);
    }
    return undefined;
  }
}
