import type { Logger } from '../log.ts';
import { entryOf, storedOf, type Entry } from './command-entry.ts';
import type { CommandLogFile } from './command-log-file.ts';
import { readCommandState, writeCommandState } from './command-state-file.ts';
import { IdAllocator, MAX_COMMAND_ID } from './id-allocator.ts';

/**
 * The queue's durable part: the id allocator and the open commands in
 * `dataDir/commands/state.json`. Saves are coalesced: a save asked for while
 * one is being written is folded into the next one, which takes the state as
 * it is when it starts; every caller's promise resolves once a save that
 * began after its call is on disk.
 */
export class CommandStore {
  /** Ids; valid after {@link load}. */
  ids = new IdAllocator();
  private readonly path: string;
  private readonly log: Logger;
  private last: Promise<void> = Promise.resolve();
  private next: Promise<void> | undefined;
  private readonly open: () => Entry[];

  /** `open` lists the open commands when a save starts. */
  constructor(path: string, log: Logger, open: () => Entry[]) {
    this.path = path;
    this.log = log;
    this.open = open;
  }

  /**
   * Reads the state file. Without one (or with a damaged one) the ids go on
   * after the last command `commands.jsonl` names, so even then no id the
   * broker may hold is handed out again soon. Returns the open commands.
   */
  async load(journal: CommandLogFile): Promise<Entry[]> {
    const state = await readCommandState(this.path);
    if (state !== undefined && state !== 'damaged') {
      this.ids = new IdAllocator(state);
      return state.open.map(entryOf);
    }
    const lastId = lastAcceptedId(await journal.readAll());
    if (state === 'damaged' || lastId !== undefined) {
      this.log.warn({ path: this.path, lastId }, `${this.path}: ${state === 'damaged' ? 'damaged' : 'missing'}; command ids go on after the last one in commands.jsonl, open commands are forgotten`);
    }
    // idOfSerial(n) = n % 65535 + 1, so serial = lastId hands out lastId + 1 next.
    this.ids = new IdAllocator({ nextSerial: lastId === undefined ? 0 : lastId % MAX_COMMAND_ID, checkpoints: [] });
    return [];
  }

  /** Saves the ids and the open commands as they are when the write starts. */
  save(): Promise<void> {
    if (this.next) return this.next;
    const run = this.last.then(() => {
      this.next = undefined;
      return writeCommandState(this.path, { ...this.ids.state(), open: this.open().map(storedOf) });
    });
    this.next = run;
    this.last = run.catch(() => undefined);
    return run;
  }

  /** Resolves when no save is pending. */
  async idle(): Promise<void> {
    await this.last;
    if (this.next) await this.next.catch(() => undefined);
  }
}

/** The id of the newest `accepted` line of `commands.jsonl`, or undefined. */
function lastAcceptedId(entries: unknown[]): number | undefined {
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const e = entries[i] as { id?: unknown; status?: unknown };
    if (e?.status === 'accepted' && typeof e.id === 'number' && Number.isInteger(e.id) && e.id >= 1 && e.id <= MAX_COMMAND_ID) return e.id;
  }
  return undefined;
}
