import { pino, type Logger } from 'pino';

export type { Logger };

/** Options of {@link createLogger}. */
export interface LogOptions {
  /** pino level: `trace`, `debug`, `info`, `warn`, `error`, `silent`. Default `info`. */
  level?: string;
  /** Where JSON lines go; default standard output (journald keeps them). */
  destination?: NodeJS.WritableStream;
}

/**
 * The root logger. Each stage takes a child: `log.child({ stage: 'serial' })`,
 * so a line says where it came from. Byte dumps are logged at `debug` only.
 */
export function createLogger(options: LogOptions = {}): Logger {
  const level = options.level ?? 'info';
  return options.destination ? pino({ level }, options.destination) : pino({ level });
}

/** A logger that drops everything: for tests and pure helpers. */
export const silentLogger: Logger = pino({ level: 'silent' });
