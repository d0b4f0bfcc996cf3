// What the runtime says about a run's handlers: Temporal's `__temporal_workflow_metadata` query,
// and the warning when a workflow closes with signal or update handlers still running.

/** A signal or update handler whose promise has not settled. */
export interface RunningHandler {
  kind: 'signal' | 'update';
  name: string;
  updateId?: string;
  unfinishedPolicy: 'WARN_AND_ABANDON' | 'ABANDON';
}

interface Described {
  description?: string;
}

/** The run's type and its handlers, with their descriptions (Temporal's WorkflowMetadata, as JSON). */
export function workflowMetadata(a: {
  info: { workflowType: string } | undefined;
  queryHandlers: Map<string, Described>;
  signalHandlers: Map<string, Described>;
  updateHandlers: Map<string, Described>;
}): unknown {
  const list = (m: Map<string, Described>) => [...m].map(([name, h]) => (h.description === undefined ? { name } : { name, description: h.description }));
  return {
    definition: {
      type: a.info?.workflowType,
      queryDefinitions: list(a.queryHandlers),
      signalDefinitions: list(a.signalHandlers),
      updateDefinitions: list(a.updateHandlers),
    },
  };
}

/** The warning for handlers left running whose policy is WARN_AND_ABANDON; undefined if none. */
export function unfinishedHandlersWarning(running: Iterable<RunningHandler>): string | undefined {
  const left = [...running].filter((h) => h.unfinishedPolicy === 'WARN_AND_ABANDON');
  if (left.length === 0) return undefined;
  const names = left.map((h) => (h.kind === 'update' ? `update '${h.name}' (id ${h.updateId})` : `signal '${h.name}'`));
  return `workflow finished while handlers were still running: ${names.join(', ')}. Wait for them with \`await condition(allHandlersFinished)\` before returning, or set their unfinishedPolicy to HandlerUnfinishedPolicy.ABANDON`;
}
