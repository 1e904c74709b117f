/**
 * Commands to nodes (protocol section 4): the queue that owns command ids,
 * writes `TX` lines, follows `TXR` lines and RESULTs, and logs every status.
 *
 * ```ts
 * const commands = new CommandQueue({ dataDir, log, now: Date.now, writeLine: (l) => port.write(l),
 *   brokerHeardMs: () => lastHbMs, node: (mac) => nodes.commandInfo(mac), record, onChange });
 * await commands.start();
 * const view = commands.submit('a2:b2:c2:d2:e2:f2', { type: 'relay', channel: 2, state: 'on', autoOffS: 600 }, 'api');
 * ```
 */
export { CommandQueue, type CommandCounters } from './command-queue.ts';
export { commandTxLine, describeAction, encodeCommand, MAX_TEXT_BYTES } from './command-action.ts';
export { commandPoint } from './command-point.ts';
export { MAX_COMMAND_ID } from './id-allocator.ts';
export * from './types.ts';
