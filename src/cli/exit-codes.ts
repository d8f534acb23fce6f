/** The CLI's exit codes, the same for every command (docs/client.md#exit-codes). */
export const ExitCode = {
  /** Done; for `serve`, stopped by SIGTERM or SIGINT after a clean shutdown. */
  OK: 0,
  /** Failed at run time: a refusal, an unreachable server or store, a port or data directory in use. May work later. */
  FAILED: 1,
  /** The command line or the configuration is wrong: running it again unchanged fails the same way. */
  USAGE: 2,
} as const;

/** A failure the CLI reports as one line (no stack trace) with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.FAILED,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
