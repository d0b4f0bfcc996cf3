// The parsed form of a list/count filter. Values are already normalised to the attribute's
// type (Datetime → epoch ms, ExecutionStatus → WorkflowStatus), so stores only translate.
import type { SearchAttributeType, SystemSearchAttribute } from '../visibility.js';

export type FilterField =
  | { kind: 'system'; name: SystemSearchAttribute; type: SearchAttributeType }
  | { kind: 'custom'; name: string; type: SearchAttributeType };

/** A literal after normalisation: strings, numbers (Int, Double, Datetime ms) or booleans. */
export type FilterValue = string | number | boolean;

export type Comparison = '=' | '!=' | '<' | '>' | '<=' | '>=';

export type FilterExpr =
  | { op: 'and' | 'or'; args: FilterExpr[] }
  | { op: 'compare'; field: FilterField; cmp: Comparison; value: FilterValue }
  | { op: 'in'; field: FilterField; values: FilterValue[]; negated: boolean }
  | { op: 'between'; field: FilterField; low: FilterValue; high: FilterValue; negated: boolean }
  | { op: 'startsWith'; field: FilterField; prefix: string }
  /** `X IS NULL` / `X IS NOT NULL`: whether the run has the attribute (CloseTime: closed or not). */
  | { op: 'isNull'; field: FilterField; negated: boolean };
