import { runStoreConformance } from '@endure/storage/conformance';
import { PostgresStore } from '../src/index.js';
import { freshSchema } from './helpers.js';

runStoreConformance('PostgresStore (a fresh schema per test)', async () => {
  const s = freshSchema('conf');
  return { open: () => PostgresStore.open(s.address), cleanup: () => s.drop() };
});
