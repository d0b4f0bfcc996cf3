// Test schemas: each test store lives in a fresh schema of the test database, dropped afterwards.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** The test database (trust auth); ENDURE_TEST_POSTGRES overrides it. */
export const TEST_DATABASE = process.env['ENDURE_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  schema: string;
  /** The database address with `?schema=` set. */
  address: string;
  drop(): Promise<void>;
}

export function freshSchema(prefix = 't'): TestSchema {
  const schema = `${prefix}_${process.pid}_${randomBytes(5).toString('hex')}`;
  return {
    schema,
    address: `${TEST_DATABASE}?schema=${schema}`,
    async drop() {
      const sql = postgres(TEST_DATABASE, { max: 1, onnotice: () => undefined });
      try {
        await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}
