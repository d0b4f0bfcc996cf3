// The end of a workflow as `workflow result` and `workflow execute` report it.
import { CancelledFailure, TerminatedFailure, TimeoutFailure, WorkflowFailedError, type WorkflowHandle } from '@endure/client';
import { print, printFields, printJson, inline, type OutputFormat } from '../../output.js';
import { rootMessage } from '../../errors.js';
import { failedError } from '../../exit-codes.js';

type ClosedStatus = 'COMPLETED' | 'FAILED' | 'CANCELED' | 'TERMINATED' | 'TIMED_OUT';

function statusOfFailure(err: WorkflowFailedError): ClosedStatus {
  if (err.cause instanceof CancelledFailure) return 'CANCELED';
  if (err.cause instanceof TerminatedFailure) return 'TERMINATED';
  if (err.cause instanceof TimeoutFailure) return 'TIMED_OUT';
  return 'FAILED';
}

/** The failure chain, outermost first, as plain data for --output json. */
function failureChain(err: Error | undefined): { type: string; message: string }[] {
  const chain: { type: string; message: string }[] = [];
  for (let e = err; e instanceof Error && chain.length < 20; e = e.cause as Error | undefined) {
    chain.push({ type: (e as { type?: string }).type ?? e.name, message: e.message });
  }
  return chain;
}

/**
 * Waits for the workflow's result and prints it; a workflow that did not complete prints its
 * status and failure, and throws so the command exits 1 with the failure on stderr.
 */
export async function printOutcome(handle: WorkflowHandle, output: OutputFormat, startFields: Record<string, string> = {}): Promise<void> {
  const workflowId = handle.workflowId;
  try {
    const result = await handle.result();
    if (output === 'json') printJson({ ...startFields, workflowId, status: 'COMPLETED', result: result ?? null });
    else {
      printFields([...Object.entries(startFields), ['Status', 'COMPLETED']]);
      print(`Result: ${result === undefined ? '(none)' : JSON.stringify(result, null, 2)}`);
    }
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const status = statusOfFailure(err);
    const message = err.cause ? rootMessage(err.cause) : err.message;
    if (output === 'json') printJson({ ...startFields, workflowId, status, failure: { message, chain: failureChain(err.cause) } });
    else printFields([...Object.entries(startFields), ['Status', status], ['Failure', inline(message, 500)]]);
    throw failedError(`workflow '${workflowId}' ${status === 'FAILED' ? 'failed' : `ended ${status}`}: ${message}`);
  }
}
