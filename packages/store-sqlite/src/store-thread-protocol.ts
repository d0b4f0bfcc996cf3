import type { CoreOptions, ReadOp } from './sqlite-core.js';
import type { Plan } from './mutations.js';
import type { VisibilityPlan } from './visibility.js';
import type { SecurityPlan } from './security.js';
import type { ClusterPlan } from './cluster.js';
import type { WireError } from './errors.js';
import type { WriteStats } from './write-batcher.js';

export type ToStore =
  | { type: 'open'; path: string; opts: CoreOptions }
  /** Several requests posted together (one message per tick instead of one per call). */
  | { type: 'batch'; items: ToStore[] }
  | { type: 'mutate'; id: number; plan: Plan | VisibilityPlan | SecurityPlan | ClusterPlan }
  | { type: 'read'; id: number; read: ReadOp }
  | { type: 'close'; id: number };

export type FromStore =
  | { type: 'opened' }
  | { type: 'openFailed'; error: WireError }
  /** Outcomes of mutations, in the order they were committed (or refused), with fresh counters. */
  | { type: 'settled'; results: { id: number; error?: WireError; value?: unknown }[]; stats: WriteStats }
  | { type: 'read'; id: number; value?: unknown; error?: WireError }
  | { type: 'closed'; id: number }
  /** Several replies posted together. */
  | { type: 'batch'; items: FromStore[] };
