// The storage conformance suite: every Store implementation runs this from its own tests.
//   import { runStoreConformance } from '@endure/storage/conformance';
//   runStoreConformance('sqlite', async () => ({ open: () => MyStore.open(file), cleanup: () => rm(dir) }));
import { describe } from 'node:test';
import { withStoreFrom, type MakeStore } from './conformance/harness.js';
import { durabilitySuite } from './conformance/durability.js';
import { orderingSuite } from './conformance/ordering.js';
import { runSuite } from './conformance/runs.js';
import { tasksAndTimersSuite } from './conformance/tasks-timers.js';
import { listFilterSuite } from './conformance/list-filters.js';
import { listPagingSuite } from './conformance/list-paging.js';
import { listRandomSuite } from './conformance/list-random.js';
import { namespacesRetentionSuite } from './conformance/namespaces-retention.js';
import { tokenKeysSuite } from './conformance/token-keys.js';
import { apiKeysSuite } from './conformance/api-keys.js';
import { runPropertiesSuite } from './conformance/run-properties.js';
import { shardLeasesSuite } from './conformance/shard-leases.js';
import { importRunSuite } from './conformance/import-run.js';
import { copyStoreSuite } from './conformance/copy-store.js';

export type { MakeStore, StoreHarness } from './conformance/harness.js';

export interface ConformanceOptions {
  /**
   * Whether a reopened store sees what earlier instances acknowledged. Default true; set false
   * for in-memory stores, which skips the close-and-reopen tests.
   */
  durable?: boolean;
}

/**
 * Registers the conformance tests (node:test `describe`/`it`) for one Store implementation.
 * `makeStore` is called once per test and must return a harness over a fresh, empty store.
 */
export function runStoreConformance(name: string, makeStore: MakeStore, opts: ConformanceOptions = {}): void {
  const withStore = withStoreFrom(makeStore);
  void describe(`Store conformance: ${name}`, () => {
    runSuite(withStore);
    tasksAndTimersSuite(withStore);
    orderingSuite(withStore);
    durabilitySuite(withStore, opts.durable ?? true);
    listFilterSuite(withStore);
    listPagingSuite(withStore);
    listRandomSuite(withStore);
    namespacesRetentionSuite(withStore, opts.durable ?? true);
    tokenKeysSuite(withStore, opts.durable ?? true);
    apiKeysSuite(withStore, opts.durable ?? true);
    runPropertiesSuite(withStore, opts.durable ?? true);
    shardLeasesSuite(withStore, opts.durable ?? true);
    importRunSuite(withStore, opts.durable ?? true);
    copyStoreSuite(withStore, opts.durable ?? true);
  });
}
