import { join } from 'node:path';
import { formatMac } from '../protocol/index.ts';
import type { Logger } from '../log.ts';
import { checkRequest, commandTxLine, describeAction, replaces, slotKey, actionChannel } from './command-action.ts';
import { checkBrokerHeard, checkNodeCan, checkRoom, isListening, resolveRequest, wireMac } from './command-checks.ts';
import { isFinal, viewOf, type Entry } from './command-entry.ts';
import { CommandLogFile } from './command-log-file.ts';
import { deadlineOf, resultStep, txrStep } from './command-outcome.ts';
import { commandLogEntry, commandPoint } from './command-point.ts';
import { CommandRefusedError } from './command-refused-error.ts';
import { CommandStore } from './command-store.ts';
import {
  DEFAULT_COMMAND_LIMITS, type ChannelValues, type CommandFilter, type CommandLimits,
  type CommandQueueApi, type CommandQueueDeps, type CommandRequest, type CommandSource, type CommandStatus, type CommandTimers,
  type CommandView, type TxStatus,
} from './types.ts';

const nodeTimers: CommandTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};

/** Counters since start, for metrics and tests. */
export interface CommandCounters {
  /** TXR lines naming an id the queue does not know. */
  unknownTxr: number;
  /** RESULTs naming an id the queue does not know, or sent by another node than the command's. */
  unknownResults: number;
  /** RESULTs for a command already final (after `unconfirmed`, say). */
  lateResults: number;
  /** TX lines the broker port did not take (closed, write error). */
  writeFailures: number;
}

/**
 * The command queue (protocol section 4): the only writer of `TX` lines. It
 * owns ids 1..65535 (persisted, never reused within 24 h), walks each command
 * through its statuses on TXR lines, RESULTs and its own deadlines, keeps at
 * most one command per channel out at a time for a listening node (later ones
 * wait; a waiting one is superseded by a newer one for the same target), and
 * reports every status change as a `command` point, a `commands.jsonl` line
 * and an `onChange` call.
 */
export class CommandQueue implements CommandQueueApi {
  readonly counters: CommandCounters = { unknownTxr: 0, unknownResults: 0, lateResults: 0, writeFailures: 0 };
  private readonly deps: CommandQueueDeps;
  private readonly limits: CommandLimits;
  private readonly timers: CommandTimers;
  private readonly log: Logger;
  private readonly store: CommandStore;
  private readonly journal: CommandLogFile;
  /** Open and recent final commands, in the order they were accepted. */
  private readonly entries = new Map<number, Entry>();
  private readonly waiters = new Map<number, Array<() => void>>();
  private running = false;
  /** Sends under way (state save, then the TX line). */
  private readonly sending = new Set<Promise<void>>();

  constructor(deps: CommandQueueDeps) {
    this.deps = deps;
    this.limits = { ...DEFAULT_COMMAND_LIMITS, ...deps.limits };
    this.timers = deps.timers ?? nodeTimers;
    this.log = deps.log.child({ stage: 'commands' });
    this.store = new CommandStore(join(deps.dataDir, 'commands', 'state.json'), this.log, () => this.openEntries());
    this.journal = new CommandLogFile(join(deps.dataDir, 'commands.jsonl'), this.limits.logMaxBytes);
  }

  /**
   * Loads the state: ids continue where they stopped; commands the broker had
   * are open again under their deadlines; a command accepted but never
   * written before the restart becomes `failed` (sending it minutes late
   * could surprise whoever asked).
   */
  async start(): Promise<void> {
    // A full or read-only disk must not keep the gateway from starting (issue 10): the state is saved again at the next change.
    await this.journal.open().catch((err: unknown) => this.log.error({ err }, 'command log not writable; commands still work, their lines are not logged'));
    const open = await this.store.load(this.journal);
    this.running = true;
    for (const e of open) {
      this.entries.set(e.id, e);
      if (!e.written) this.move(e, 'failed', 'the gateway restarted before it was sent');
      else this.arm(e);
    }
    await this.store.save().catch((err: unknown) => this.log.error({ err }, 'command state not saved at start; saved again at the next change'));
    this.log.info({ open: this.openEntries().length, nextId: this.store.ids.nextId }, 'command queue started');
  }

  /** Stops the deadlines, answers waiters with the status as it is, and finishes writing state and log. */
  async stop(): Promise<void> {
    this.running = false;
    for (const e of this.entries.values()) this.timers.clearTimeout(e.timer);
    for (const list of this.waiters.values()) for (const done of list.slice()) done();
    await this.settled();
    await this.store.save().catch((err: unknown) => this.log.error({ err }, 'command state not saved at stop'));
  }

  /** Resolves when every send, state save and log line asked for so far is done (for stop() and tests). */
  async settled(): Promise<void> {
    while (this.sending.size > 0) await Promise.all(this.sending);
    await this.store.idle();
    await this.journal.flushed();
  }

  /**
   * Takes a command for node `mac` (any spelling) and returns it `accepted`;
   * the TX line follows once its id is on disk. Throws
   * {@link CommandRefusedError}: `BAD_REQUEST`, `UNKNOWN_NODE`,
   * `NOT_SUPPORTED`, `NO_SUCH_CHANNEL`, `BROKER_SILENT`, `UNKNOWN_STATE`,
   * `TOO_MANY_PENDING`, `STOPPED`. A toggle becomes on or off here.
   */
  submit(macText: string, request: CommandRequest, source: CommandSource): CommandView {
    if (!this.running) throw new CommandRefusedError('STOPPED', 'the command queue is not running');
    const mac = wireMac(macText);
    checkRequest(request);
    const node = this.deps.node(mac);
    if (node === undefined) throw new CommandRefusedError('UNKNOWN_NODE', `node ${formatMac(mac)}: never heard and not in the config`);
    checkNodeCan(mac, node, request);
    const now = this.deps.now();
    checkBrokerHeard(now, this.deps.brokerHeardMs(), this.limits.brokerSilentMs);
    const { action, reason } = resolveRequest(mac, node, request, this.openEntries());
    const listening = isListening(mac, node);
    const replaced = listening ? this.openEntries().filter((e) => e.mac === mac && !e.dispatched && replaces(action, e.action)) : [];
    checkRoom(mac, this.openEntries(), replaced.length, this.limits);
    const id = this.store.ids.take(now, (candidate) => this.entries.has(candidate) && !isFinal(this.entries.get(candidate)!));
    if (id === undefined) throw new CommandRefusedError('TOO_MANY_PENDING', 'all 65535 command ids were used within the last 24 h; try again later');
    const channel = actionChannel(action);
    const entry: Entry = {
      id, mac, room: node.room, ...(channel === undefined ? {} : { channel }), action, requested: request, source, listening,
      createdMs: now, status: 'accepted', updatedMs: now, history: [], line: commandTxLine(id, mac, action), dispatched: false, written: false,
    };
    this.entries.set(id, entry);
    this.move(entry, 'accepted', reason);
    for (const old of replaced) this.move(old, 'superseded', `replaced by command ${id} before it was sent`);
    this.pump(mac);
    return viewOf(entry);
  }

  /** The command with this id, if it is open or among the last final ones. */
  get(id: number): CommandView | undefined {
    const e = this.entries.get(id);
    return e && viewOf(e);
  }

  /** Commands, newest first. */
  list(filter: CommandFilter = {}): CommandView[] {
    const mac = filter.mac === undefined ? undefined : wireMac(filter.mac);
    const out: CommandView[] = [];
    const all = [...this.entries.values()].reverse();
    for (const e of all) {
      if (out.length >= (filter.limit ?? 100)) break;
      if (mac !== undefined && e.mac !== mac) continue;
      if (filter.open !== undefined && filter.open === isFinal(e)) continue;
      out.push(viewOf(e));
    }
    return out;
  }

  /** A `TXR,<id>,<status>` line from the broker. Never throws; unknown ids are counted. */
  onTxr(id: number, status: TxStatus): void {
    this.guard('TXR', () => {
      const e = this.entries.get(id);
      if (e === undefined) {
        this.counters.unknownTxr += 1;
        this.log.debug({ id, status }, 'TXR for a command id the queue does not know');
        return;
      }
      e.written = true;
      if (isFinal(e)) {
        this.log.debug({ id, status, was: e.status }, 'TXR for a command already final');
        return;
      }
      const step = txrStep(e.status, status);
      if (step) this.move(e, step.status, step.reason);
    });
  }

  /**
   * A RESULT from node `mac`: `values.commandId` (record 0x51) names the
   * command, `values.outcome` (0x52) says what became of it, `channels` the
   * state afterwards. RESULTs without 0x51 are ignored. Never throws.
   */
  onResult(mac: string, values: { commandId?: number; outcome?: number }, channels: readonly ChannelValues[]): void {
    this.guard('RESULT', () => {
      if (values.commandId === undefined) return;
      const e = this.entries.get(values.commandId);
      if (e === undefined || e.mac !== wireMac(mac)) {
        this.counters.unknownResults += 1;
        this.log.debug({ id: values.commandId, node: mac, outcome: values.outcome }, 'RESULT for a command id the queue does not know for this node');
        return;
      }
      e.written = true;
      if (isFinal(e)) {
        this.counters.lateResults += 1;
        this.log.info({ id: e.id, was: e.status, outcome: values.outcome }, 'RESULT for a command already final; the node state still counts');
        return;
      }
      const step = resultStep(values.outcome, e.action, channels);
      this.move(e, step.status, step.reason);
    });
  }

  /** A `BOOT` line: the broker lost what it held, so commands written but not yet sent or delivered fail. */
  onBrokerBoot(): void {
    this.guard('BOOT', () => {
      for (const e of this.openEntries()) {
        if (e.written && (e.status === 'accepted' || e.status === 'queued')) this.move(e, 'failed', 'the broker restarted and lost the commands it held');
      }
    });
  }

  /** Resolves with the command once final, or after `timeoutMs` as it is then; undefined for an unknown id. */
  waitFinal(id: number, timeoutMs: number): Promise<CommandView | undefined> {
    const e = this.entries.get(id);
    if (e === undefined || isFinal(e) || !this.running) return Promise.resolve(e && viewOf(e));
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      this.waiters.set(id, list);
      const done = (): void => {
        this.timers.clearTimeout(timer);
        list.splice(list.indexOf(done), 1);
        if (list.length === 0) this.waiters.delete(id);
        resolve(viewOf(e));
      };
      const timer = this.timers.setTimeout(done, timeoutMs);
      list.push(done);
    });
  }

  private openEntries(): Entry[] {
    return [...this.entries.values()].filter((e) => !isFinal(e));
  }

  /** Sends what may go now: everything for a sleepy node, the first waiting one per free slot for a listening node. */
  private pump(mac: string): void {
    const busy = new Set<string>();
    for (const e of this.openEntries()) {
      if (e.mac !== mac) continue;
      const slot = slotKey(e.action);
      if (e.dispatched) {
        busy.add(slot);
      } else if (!e.listening || !busy.has(slot)) {
        if (e.listening) busy.add(slot);
        e.dispatched = true;
        const sent = this.send(e);
        this.sending.add(sent);
        void sent.finally(() => this.sending.delete(sent));
      }
    }
  }

  /** Saves the state (the id on disk first), then writes the TX line. */
  private async send(e: Entry): Promise<void> {
    try {
      await this.store.save();
    } catch (err) {
      if (!isFinal(e)) this.move(e, 'failed', `the command state could not be saved, so it was not sent: ${(err as Error).message}`);
      return;
    }
    if (isFinal(e) || !this.running) return;
    try {
      await this.deps.writeLine(e.line!);
    } catch (err) {
      this.counters.writeFailures += 1;
      if (!isFinal(e)) this.move(e, 'failed', `not sent to the broker: ${(err as Error).message}`);
      return;
    }
    e.line = undefined;
    const first = !e.written;
    e.written = true;
    if (!isFinal(e) && e.status === 'accepted' && first) this.arm(e);
    this.saveSoon();
  }

  /** One status change: history, deadline, point, log line, event, state. */
  private move(e: Entry, status: CommandStatus, reason?: string): void {
    const atMs = this.deps.now();
    e.status = status;
    e.reason = reason;
    e.updatedMs = atMs;
    e.history.push(reason === undefined ? { status, atMs } : { status, atMs, reason });
    this.arm(e);
    const view = viewOf(e);
    this.log.info({ id: e.id, node: formatMac(e.mac), room: e.room, action: describeAction(e.action), source: e.source, status, reason }, 'command status');
    this.guard('record', () => this.deps.record(commandPoint(view)));
    this.journal.append(commandLogEntry(view)).catch((err: unknown) => this.log.warn({ err }, 'commands.jsonl: entry not written'));
    this.guard('onChange', () => this.deps.onChange(view));
    this.saveSoon();
    if (!isFinal(e)) return;
    for (const done of (this.waiters.get(e.id) ?? []).slice()) done();
    this.prune();
    if (e.listening && this.running) this.pump(e.mac);
  }

  /** Sets the deadline of the current status, counted from when it was reached (also after a restart). */
  private arm(e: Entry): void {
    this.timers.clearTimeout(e.timer);
    e.timer = undefined;
    const deadline = isFinal(e) || !this.running ? undefined : deadlineOf(e.status, e.written, this.limits);
    if (deadline === undefined) return;
    const left = Math.max(0, e.updatedMs + deadline.ms - this.deps.now());
    e.timer = this.timers.setTimeout(() => {
      e.timer = undefined;
      if (!isFinal(e)) this.move(e, deadline.status, deadline.reason);
    }, left);
  }

  private saveSoon(): void {
    if (this.running) this.store.save().catch((err: unknown) => this.log.warn({ err }, 'command state not saved'));
  }

  /** Keeps at most `keepFinal` final commands in memory, the oldest go first. */
  private prune(): void {
    let finals = [...this.entries.values()].filter(isFinal).length;
    for (const [id, e] of this.entries) {
      if (finals <= this.limits.keepFinal) break;
      if (isFinal(e)) {
        this.entries.delete(id);
        finals -= 1;
      }
    }
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err, what }, 'command queue: a handler failed');
    }
  }
}
