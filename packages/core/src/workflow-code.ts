import type { ActivationResult, Job, Payload, QueryResult } from '@endure/protocol';

/** What the replay machine tells workflow code besides the jobs of one activation. */
export interface ActivationContext {
  /** The workflow's logical clock for this activation (Date.now() inside workflow code). */
  time: number;
  /** Id of the last history event this activation has seen. */
  historyLength: number;
  /** True while re-running an activation that history already recorded. */
  replaying: boolean;
  /** Bytes of history consumed so far (events as JSON). */
  historySize?: number;
  /** History is past the continue-as-new thresholds. */
  continueAsNewSuggested?: boolean;
}

/** Anything that runs workflow code one activation at a time: the sandbox, or a test double. */
export interface WorkflowCode {
  activate(jobs: Job[], ctx: ActivationContext): ActivationResult;
  /** Answers a query from the code's current state without changing it. */
  query?(queryType: string, args: Payload[]): QueryResult;
}
