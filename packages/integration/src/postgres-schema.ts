// A fresh PostgreSQL schema for a test (the test database, trust auth), dropped afterwards.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** The test database; ENDURE_TEST_POSTGRES overrides it. */
export const TEST_POSTGRES = process.env['ENDURE_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestPostgresSchema {
  schema: string;
  /** `postgres://…/test?schema=<schema>`: an address Connection.connect and endure server take. */
  address: string;
  drop(): Promise<void>;
}

export function freshPostgresSchema(prefix: string): TestPostgresSchema {
  const schema = `${prefix}_${process.pid}_${randomBytes(5).toString('hex')}`;
  return {
    schema,
    address: `${TEST_POSTGRES}?schema=${schema}`,
    async drop() {
      const sql = postgres(TEST_POSTGRES, { max: 1, onnotice: () => undefined });
      try {
        await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}
