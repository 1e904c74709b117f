import type { AlertChange, AlertLabels } from './alert-state.ts';

/** What the webhook receives and MQTT publishes on `<base>/alerts` for a firing or resolved alert. */
export interface AlertPayload {
  /** The rule's name. */
  readonly name: string;
  readonly state: 'firing' | 'resolved';
  readonly labels: AlertLabels;
  /** The value the condition looked at, in its unit (W, %RH, s silent, share lost, % of the spool). */
  readonly value: number;
  /** When it entered `state`, ISO 8601 UTC. */
  readonly since: string;
  /** When the condition started to hold, ISO 8601 UTC. */
  readonly activeSince: string;
  /** The gateway's name. */
  readonly gateway: string;
}

/** The payload of a `firing` or `resolved` change. */
export function alertPayload(change: AlertChange & { state: 'firing' | 'resolved' }, gateway: string): AlertPayload {
  return {
    name: change.rule, state: change.state, labels: change.labels, value: change.value,
    since: new Date(change.sinceMs).toISOString(), activeSince: new Date(change.activeSinceMs).toISOString(), gateway,
  };
}
