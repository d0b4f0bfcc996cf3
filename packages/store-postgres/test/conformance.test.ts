import { runStoreConformance } from '@endure/storage/conformance';
import { PostgresStore } from '../src/index.js';
import { freshSchema } from './helpers.js';

runStoreConformance('PostgresStore (a fresh schema per test)', async () => {
  const s = freshSchema('conf');
  return { open: () => PostgresStore.open(s.address), cleanup: () => s.drop() };
});

// A cluster node's store: the same contract, with the schema lock held in share mode.
runStoreConformance('PostgresStore shared (a fresh schema per test)', async () => {
  const s = freshSchema('confsh');
  return { open: () => PostgresStore.open(s.address, { shared: true }), cleanup: () => s.drop() };
});
