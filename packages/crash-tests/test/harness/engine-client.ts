// Reading the engine's record through the client API, once no runner process holds the database.
import { Client, Connection, type WorkflowHandle } from '@endure/client';
import type { HistoryEvent } from '../../src/common/history.js';

/** Connects a client to the embedded engine on `dbPath`, runs `read`, and closes the connection. */
export async function withEngineClient<T>(dbPath: string, read: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: `sqlite:${dbPath}` });
  try {
    return await read(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

export interface RunRecord {
  handle: WorkflowHandle;
  /** The engine's description (status as the engine names it, times in ms). */
  description: Awaited<ReturnType<WorkflowHandle['describe']>>['raw'];
  events: HistoryEvent[];
}

/** The current run of `workflowId`: describe() and its whole history. */
export async function readRun(client: Client, workflowId: string): Promise<RunRecord> {
  const handle = client.workflow.getHandle(workflowId);
  const description = (await handle.describe()).raw;
  const { events } = await handle.fetchHistory();
  return { handle, description, events };
}
