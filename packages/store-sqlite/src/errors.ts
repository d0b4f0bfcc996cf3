// Errors cross from the store thread as plain data and are rebuilt as the same classes here.
import { CurrentRunConflictError, FencedOffError, ListQueryError, StoredDataCorruptError, VersionConflictError, type Fence, type RunKey } from '@endure/storage';
import { DatabaseLockedError, type DatabaseHolder } from './lock.js';
import { SchemaVersionError } from './migrations.js';

export type WireError =
  | { kind: 'version'; key: RunKey; expected: number; actual: number | undefined }
  | { kind: 'currentRun'; namespace: string; workflowId: string; currentRunId: string | null }
  | { kind: 'locked'; path: string; holder: DatabaseHolder }
  | { kind: 'schema'; path: string; found: number; supported: number }
  | { kind: 'fenced'; fence: Fence; currentToken: number | undefined }
  | { kind: 'other'; name: string; message: string; code?: string; stack?: string };

export function toWire(e: unknown): WireError {
  if (e instanceof VersionConflictError) return { kind: 'version', key: e.key, expected: e.expected, actual: e.actual };
  if (e instanceof CurrentRunConflictError) return { kind: 'currentRun', namespace: e.namespace, workflowId: e.workflowId, currentRunId: e.currentRunId };
  if (e instanceof DatabaseLockedError) return { kind: 'locked', path: e.path, holder: { pid: e.pid, program: e.program, server: e.server } };
  if (e instanceof SchemaVersionError) return { kind: 'schema', path: e.path, found: e.found, supported: e.supported };
  if (e instanceof FencedOffError) return { kind: 'fenced', fence: e.fence, currentToken: e.currentToken };
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return { kind: 'other', name: err.name, message: err.message, code: typeof code === 'string' ? code : undefined, stack: err.stack };
}

export function fromWire(w: WireError): Error {
  switch (w.kind) {
    case 'version':
      return new VersionConflictError(w.key, w.expected, w.actual);
    case 'currentRun':
      return new CurrentRunConflictError(w.namespace, w.workflowId, w.currentRunId);
    case 'locked':
      return new DatabaseLockedError(w.path, w.holder);
    case 'schema':
      return new SchemaVersionError(w.path, w.found, w.supported);
    case 'fenced':
      return new FencedOffError(w.fence, w.currentToken);
    case 'other': {
      if (w.name === 'ListQueryError') return new ListQueryError(w.message);
      if (w.name === 'StoredDataCorruptError') return new StoredDataCorruptError(w.message);
      const e = Object.assign(new Error(w.message), { code: w.code });
      e.name = w.name;
      if (w.stack) e.stack = w.stack;
      return e;
    }
  }
}
