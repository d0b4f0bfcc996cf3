// Fixture: the node: prefixed form is refused too.
import { randomUUID } from 'node:crypto';
export async function randomId(): Promise<string> {
  return randomUUID();
}
