// The command line's side of the public API: the product's typed client (src/api-client/), and its failures told as
// one line a person can act on.
import { ApiError, ApiUnreachableError } from '../../src/api-client';

/** CliError is a failure to report in one clear line; exitCode 2 means the command line itself was wrong. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** cliErrorOf says what a failed API call means for the person at the terminal; other errors pass through. */
export function cliErrorOf(error: unknown): unknown {
  if (error instanceof ApiUnreachableError)
    return new CliError(
      `cannot reach the API at ${error.baseUrl} (${error.reason}): is it running (\`npm start\`)? Set --api-url or PROACTIVE_SMS_API_URL.`,
    );
  if (error instanceof ApiError && error.status === 401)
    return new CliError(
      'the API refused the key (unknown, revoked or expired): give a live business unit API key in ' +
        'PROACTIVE_SMS_API_KEY or a --key-file.',
    );
  if (error instanceof ApiError)
    return new CliError(
      `${error.method} ${error.path.replace(/^\/v1/, '')} failed (${error.status}): ${error.apiMessage}`,
    );
  return error;
}
