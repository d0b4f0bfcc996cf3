/** Exit codes scripts can rely on; printed in `endure --help` and the README. */
export const EXIT = {
  OK: 0,
  /** The operation ran and failed: workflow failed, not found, query rejected, … */
  FAILED: 1,
  /** The command line is wrong: unknown flag, missing value, input that is not JSON, a value the server calls invalid. */
  USAGE: 2,
  /** No server answered at the address, or it refused the API key. */
  UNREACHABLE: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  the operation failed (workflow failed or was not found, query or update rejected, ...)
  2  usage error (unknown flag, missing option, --input that is not JSON, a value the
     server rejects as invalid such as a bad --query)
  3  cannot reach the server at --address, or it refused the API key`;

/** An error the CLI reports as one line on stderr, with its exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.USAGE);
export const failedError = (message: string) => new CliError(message, EXIT.FAILED);
