// Runs the conformance suite against a toy in-memory store, so the suite is known not to depend
// on anything SQLite happens to do.
import { runStoreConformance } from '../src/conformance.js';
import { MemoryStore, emptyData } from '../src/memory-store.js';

runStoreConformance('MemoryStore (reference)', () => {
  const data = emptyData();
  return Promise.resolve({ open: () => Promise.resolve(new MemoryStore(data)), cleanup: () => Promise.resolve() });
});
