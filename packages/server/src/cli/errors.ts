// Turns any error into one line for stderr and an exit code (see exit-codes.ts).
import { ApiError } from '@endure/protocol';
import { AddressError } from '@endure/transport';
import {
  QueryFailedError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@endure/client';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** True when the error (or one of its causes) says no connection could be made. */
function isNetworkError(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (e.message === 'fetch failed') return true;
  }
  return false;
}

/** The innermost message of a failure chain, e.g. the ApplicationFailure a workflow threw. */
export function rootMessage(err: Error): string {
  let e: Error = err;
  while (e.cause instanceof Error) e = e.cause;
  return e.message;
}

export interface ErrorReport {
  message: string;
  exitCode: ExitCode;
}

/** What to print for `err`, and how to exit; `address` is the server the command talked to. */
export function reportError(err: unknown, address: string): ErrorReport {
  const unreachable =
    `cannot reach Endure server at ${address}; start one with \`endure server start-dev\` (or pass the --address of a running one), ` +
    'or use --address sqlite:./endure.db to work on a database file no process holds';
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (isNetworkError(err)) return { message: unreachable, exitCode: EXIT.UNREACHABLE };
  if (err instanceof AddressError) return { message: `bad --address: ${err.message}`, exitCode: EXIT.USAGE };
  if (err instanceof WorkflowFailedError) return { message: `${err.message}: ${err.cause ? rootMessage(err.cause) : 'no cause recorded'}`, exitCode: EXIT.FAILED };
  if (err instanceof WorkflowNotFoundError || err instanceof WorkflowExecutionAlreadyStartedError) return { message: err.message, exitCode: EXIT.FAILED };
  if (err instanceof QueryFailedError) return { message: `query failed: ${err.cause ? rootMessage(err.cause) : err.message}`, exitCode: EXIT.FAILED };
  if (err instanceof WorkflowUpdateFailedError) return { message: err.cause ? `update failed: ${rootMessage(err.cause)}` : err.message, exitCode: EXIT.FAILED };
  const code = err instanceof ServiceError || err instanceof ApiError ? err.code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'UNAUTHENTICATED':
      return { message: `the server at ${address} refused the request: ${message}; pass a valid key with --api-key or ENDURE_API_KEY`, exitCode: EXIT.UNREACHABLE };
    case 'UNAVAILABLE':
      // The HTTP transport reports a refused/failed connection as UNAVAILABLE "cannot reach …".
      if (/^cannot reach\b/.test(message)) return { message: unreachable, exitCode: EXIT.UNREACHABLE };
      return { message: `Endure server at ${address} is unavailable: ${message}`, exitCode: EXIT.UNREACHABLE };
    case 'INVALID_ARGUMENT':
      return { message, exitCode: EXIT.USAGE };
    case undefined:
      // Client-side validation (durations, policies…) throws TypeError naming the option.
      return { message, exitCode: err instanceof TypeError ? EXIT.USAGE : EXIT.FAILED };
    default:
      return { message, exitCode: EXIT.FAILED };
  }
}
