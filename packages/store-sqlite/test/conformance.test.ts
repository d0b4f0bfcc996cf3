import { join } from 'node:path';
import { runStoreConformance } from '@endure/storage/conformance';
import { SqliteStore } from '../src/index.js';
import { tempDir } from './helpers.js';

runStoreConformance('SqliteStore (file in a temp dir)', async () => {
  const { dir, cleanup } = await tempDir();
  const file = join(dir, 'endure.db');
  return { open: () => SqliteStore.open(file), cleanup };
});
