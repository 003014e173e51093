/** A CLI command: receives the arguments after its name, returns the process exit code. */
export type Command = (argv: string[]) => Promise<number>;

/** A command as `followup` lists it: `followup <name> --help` prints `usage` on stdout and exits 0. */
export interface CommandSpec {
  run: Command;
  /** One line for `followup --help`. */
  summary: string;
  /** The full help: starts with `usage: followup <name>`, then what it does, options, environment and exit codes. */
  usage: string;
}

/** A usage problem the user fixes in the command line or environment: `followup` prints it with the usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
