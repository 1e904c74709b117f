/** The outcome of one `doctor` check, printed as one checklist line. */
export interface CheckResult {
  /** What was checked, e.g. `serial device present and readable`. */
  readonly name: string;
  /** True when the check passed. A skipped check is neither passed nor failed. */
  readonly ok: boolean;
  /** What was found, naming the thing: path, URL, counts. */
  readonly detail: string;
  /** What to do about a failure (or a skip): a command or a config key to change. */
  readonly fix?: string;
  /** True when the check could not run (a prerequisite failed); not counted as a failure. */
  readonly skipped?: boolean;
  /** True for a passed check with something unsafe to fix (a secret others may read); not counted as a failure. */
  readonly warning?: boolean;
}

export const pass = (name: string, detail: string): CheckResult => ({ name, ok: true, detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, ok: false, detail, fix });
/** Passed, but with something to fix that does not stop the gateway. */
export const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, ok: true, warning: true, detail, fix });
export const skip = (name: string, detail: string, fix?: string): CheckResult =>
  ({ name, ok: false, skipped: true, detail, ...(fix === undefined ? {} : { fix }) });

/** `err.code` of a Node system error or a GatewayError, or undefined. */
export const codeOf = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;

/** The message of an error, or its string form. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
