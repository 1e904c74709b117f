import { GatewayError } from '../errors.ts';

/**
 * A backup or restore that cannot go on. `badInput` says whose fault it is:
 * true for the archive, the config or the command line (exit 2), false for
 * the machine (a disk, a permission: exit 1). The message names the thing:
 * the archive and its member, the config file and key, the path.
 */
export class BackupError extends GatewayError {
  /** True when the input is wrong (exit 2); false for a runtime failure (exit 1). */
  readonly badInput: boolean;

  constructor(code: string, message: string, options: { badInput: boolean; cause?: unknown }) {
    super(code, message, { cause: options.cause });
    this.badInput = options.badInput;
  }
}
