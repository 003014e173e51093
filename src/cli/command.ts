/** A CLI command: receives the arguments after its name, returns the process exit code. */
export type Command = (argv: string[]) => Promise<number>;
