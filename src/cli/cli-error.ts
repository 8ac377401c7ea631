/**
 * A failure the user can fix (bad arguments, unreadable or malformed input): the CLI prints the
 * message alone, without a stack, and exits with `exitCode` (2 unless said otherwise).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
