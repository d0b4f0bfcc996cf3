// Fixture for lint.test.ts: every line below breaks a lint rule on purpose.
import { readFileSync } from 'fs';
import { Connection } from '@endure/client';
import type { Client } from '@endure/client';
import { sleep } from '@endure/workflow';

export async function badWorkflow(c: Client): Promise<string> {
  sleep(1000);
  void c;
  await Connection.connect();
  return readFileSync('/etc/hostname', 'utf8');
}
