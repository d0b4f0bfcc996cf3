// Defined once in @endure/common (workflow code uses them too); exported here as Temporal's client does.
export { WorkflowIdReusePolicy, WorkflowIdConflictPolicy } from '@endure/common';
