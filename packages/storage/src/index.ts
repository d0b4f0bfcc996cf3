export * from './port.js';
export * from './shard-leases.js';
export { checkFilter, checkPageSize, fieldType, valueKind, MAX_PAGE_SIZE } from './filter-check.js';
export { matchesFilter, valuesOf, compareScalars, compareCodePoints } from './filter-eval.js';
export { compareListOrder, cursorOf, encodePageToken, decodePageToken, type ListCursor } from './list-order.js';
export { checkImportRun } from './import-run.js';
