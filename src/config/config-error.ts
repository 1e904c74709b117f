import { GatewayError } from '../errors.ts';

/**
 * A config that cannot be used. Lists every problem at once, each naming the
 * file and the key: `gateway.yaml: nodes["a2:b2"]: not a MAC address (12 hex digits)`.
 */
export class ConfigError extends GatewayError {
  /** One line per problem, each starting with the file name. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super('CONFIG_INVALID', `config invalid (${count}), refusing to start:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.problems = problems;
  }
}
