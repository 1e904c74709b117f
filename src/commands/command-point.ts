import { int } from '../points/point.ts';
import { formatMac } from '../protocol/index.ts';
import { describeAction } from './command-action.ts';
import type { CommandPoint, CommandView, StringField } from './types.ts';

const str = (value: string): StringField => ({ type: 'string', value });

/** The point for the command's current status. */
export function commandPoint(command: CommandView): CommandPoint {
  const tags: Record<string, string> = { room: command.room, node: formatMac(command.mac) };
  if (command.channel !== undefined) tags.channel = String(command.channel);
  return {
    measurement: 'command',
    tags,
    fields: { id: int(command.id), action: str(describeAction(command.action)), status: str(command.status), source: str(command.source) },
  };
}

/** The `commands.jsonl` line of the command's current status: who asked, what, when, what became of it. */
export function commandLogEntry(command: CommandView): Record<string, unknown> {
  return {
    at: new Date(command.updatedMs).toISOString(),
    id: command.id,
    node: formatMac(command.mac),
    room: command.room,
    ...(command.channel === undefined ? {} : { channel: command.channel }),
    source: command.source,
    action: describeAction(command.action),
    requested: command.requested,
    status: command.status,
    ...(command.reason === undefined ? {} : { reason: command.reason }),
  };
}
