// Fixture: a non-workflow Endure package inside workflow code.
import { Connection } from '@endure/client';
export async function connects(): Promise<unknown> {
  return Connection.connect();
}
