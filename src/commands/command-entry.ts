import type { StoredCommand } from './command-state-file.ts';
import {
  FINAL_STATUSES, type CommandAction, type CommandRequest, type CommandSource, type CommandStatus, type CommandStep, type CommandView,
} from './types.ts';

/** A command inside the queue (mutable; callers only ever see {@link viewOf} copies). */
export interface Entry {
  readonly id: number;
  readonly mac: string;
  readonly room: string;
  readonly channel?: number;
  readonly action: CommandAction;
  readonly requested: CommandRequest;
  readonly source: CommandSource;
  /** The node keeps its radio on: one command per slot out at a time, later ones wait. */
  readonly listening: boolean;
  readonly createdMs: number;
  status: CommandStatus;
  reason?: string;
  updatedMs: number;
  history: CommandStep[];
  /** The TX line, kept until it is written (not persisted). */
  line?: string;
  /** Taken out of the waiting line: being saved and written, or written. */
  dispatched: boolean;
  /** The broker got the TX line (write resolved, or a TXR named it). */
  written: boolean;
  /** Deadline timer of the current status. */
  timer?: unknown;
}

/** True once nothing can change the command any more. */
export const isFinal = (entry: { status: CommandStatus }): boolean => FINAL_STATUSES.has(entry.status);

/** A snapshot for callers. */
export function viewOf(e: Entry): CommandView {
  return {
    id: e.id, mac: e.mac, room: e.room, ...(e.channel === undefined ? {} : { channel: e.channel }),
    action: e.action, requested: e.requested, source: e.source, status: e.status,
    ...(e.reason === undefined ? {} : { reason: e.reason }),
    createdMs: e.createdMs, updatedMs: e.updatedMs, history: e.history.slice(),
  };
}

/** What the state file keeps of an open command. */
export const storedOf = (e: Entry): StoredCommand => ({ ...viewOf(e), written: e.written, listening: e.listening });

/** An entry back from the state file. */
export const entryOf = (s: StoredCommand): Entry => ({
  id: s.id, mac: s.mac, room: s.room, ...(s.channel === undefined ? {} : { channel: s.channel }),
  action: s.action, requested: s.requested, source: s.source, listening: s.listening, createdMs: s.createdMs,
  status: s.status, ...(s.reason === undefined ? {} : { reason: s.reason }), updatedMs: s.updatedMs,
  history: s.history.slice(), dispatched: s.written, written: s.written,
});
