/** A user-facing failure: the CLI prints its message on one line and exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The CLI's exit codes besides 0 (success) and 1 (any other failure). */
export const EXIT = { usage: 2, notFound: 3, stackDown: 4, runFailed: 5 } as const;
