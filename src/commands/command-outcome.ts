/**
 * What a TXR line or a RESULT means for a command, pure: the next status and
 * the reason shown to the user.
 */
import { OUTCOME, type ChannelValues, type TxStatus } from '../protocol/index.ts';
import type { CommandAction, CommandLimits, CommandStatus } from './types.ts';

/** Order of the open statuses; a TXR never moves a command back. */
const RANK: Partial<Record<CommandStatus, number>> = { accepted: 0, queued: 1, sent: 2, delivered: 2 };

/** A status reached from a TXR, with its reason. */
export interface Step {
  readonly status: CommandStatus;
  readonly reason?: string;
}

const TXR_STEP: Readonly<Record<TxStatus, Step>> = {
  queued: { status: 'queued', reason: 'held by the broker until the node next wakes' },
  sent: { status: 'sent' },
  delivered: { status: 'delivered' },
  failed: { status: 'failed', reason: 'the node did not acknowledge the radio message (broker: failed)' },
  expired: { status: 'expired', reason: 'the broker held it 24 h; the node never woke to take it' },
  invalid: { status: 'invalid', reason: 'the broker refused the TX line (broker: invalid)' },
};

/** The step a TXR makes from `current` (an open status), or undefined when it would move backwards. */
export function txrStep(current: CommandStatus, txr: TxStatus): Step | undefined {
  const step = TXR_STEP[txr];
  const to = RANK[step.status];
  if (to !== undefined && to <= (RANK[current] ?? 0)) return undefined;
  return step;
}

/** A deadline an open status waits under: after `ms` the command becomes `status`. */
export interface Deadline {
  readonly ms: number;
  readonly status: CommandStatus;
  readonly reason: string;
}

/** The deadline of an open status, given that the TX line was written (`written`). */
export function deadlineOf(status: CommandStatus, written: boolean, limits: CommandLimits): Deadline | undefined {
  const s = (ms: number): string => (ms % 3600_000 === 0 ? `${ms / 3600_000} h` : `${ms / 1000} s`);
  switch (status) {
    case 'accepted':
      return written ? { ms: limits.txrTimeoutMs, status: 'failed', reason: `the broker did not answer the TX line (no TXR within ${s(limits.txrTimeoutMs)})` } : undefined;
    case 'queued':
      return { ms: limits.queuedMs, status: 'expired', reason: `no word from the broker within ${s(limits.queuedMs)} of queued (it holds commands 24 h)` };
    case 'sent':
      return { ms: limits.sentResultMs, status: 'unconfirmed', reason: `no RESULT within ${s(limits.sentResultMs)} of sent` };
    case 'delivered':
      return { ms: limits.deliveredResultMs, status: 'unconfirmed', reason: `no RESULT within ${s(limits.deliveredResultMs)} of delivered` };
    default:
      return undefined;
  }
}

const TRIP_NAMES = ['cleared', 'over-current', 'over-power', 'humidity', 'over-temperature'];

/** The final status of a RESULT's outcome (record 0x52), and a reason naming the channel's state afterwards. */
export function resultStep(outcome: number | undefined, action: CommandAction, channels: readonly ChannelValues[]): Step {
  const channel = 'channel' in action ? channels.find((c) => c.channel === action.channel) : undefined;
  const state = channel?.relay === undefined ? '' : `channel ${channel.channel} is ${channel.relay ? 'on' : 'off'}`;
  const trip = channel?.trip ? `a safety rule holds the relay open (trip ${channel.trip}, ${TRIP_NAMES[channel.trip] ?? 'unknown'})` : '';
  const join = (...parts: string[]): string | undefined => parts.filter(Boolean).join('; ') || undefined;
  switch (outcome) {
    case OUTCOME.OK: return { status: 'ok', reason: join(state) };
    case OUTCOME.UNSUPPORTED: return { status: 'unsupported', reason: 'the node does not support this command' };
    case OUTCOME.INVALID: return { status: 'invalid', reason: 'the node refused it: a value out of range or a channel it lacks' };
    case OUTCOME.FAILED: return { status: 'failed', reason: join('the node could not carry it out', trip, state) };
    default: return { status: 'failed', reason: `RESULT with outcome ${outcome ?? 'missing'} (not 0..3)` };
  }
}
