// Shared pieces of the engine's visibility tests: a real SQLite file per engine, a clock the test
// moves, and stand-ins for workflow code that complete a run's workflow task with given commands.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatingApi, type Command, type EngineApi, type Payload, type WorkflowTask } from '@endure/protocol';
import { SqliteStore } from '@endure/store-sqlite';
import { Engine, systemClock, type Clock, type EngineOpenOptions } from '../src/index.js';

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'endure-visibility-'));

/** A JSON payload, as the default converter writes it. */
export const p = (v: unknown): Payload => ({ metadata: { encoding: 'json/plain' }, data: JSON.stringify(v) });
export const payloads = (o: Record<string, unknown>): Record<string, Payload> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, p(v)]));

/** Real time plus a skew the test adds to: runs get distinct, ordered start times; retention can be jumped past. */
export class TestClock implements Clock {
  private skew = 0;
  readonly now = (): number => Date.now() + this.skew;
  readonly schedule = (ms: number, fn: () => void): (() => void) => systemClock.schedule(ms, fn);
  advance(ms: number): void {
    this.skew += ms;
  }
}

export interface OpenEngine {
  engine: Engine;
  /** The engine as callers reach it (the embedded transport, the server): each request validated first. */
  api: EngineApi;
  close(): Promise<void>;
}

export async function openEngine(file: string, opts: EngineOpenOptions = {}): Promise<OpenEngine> {
  const store = await SqliteStore.open(file);
  const engine = await Engine.open(store, opts);
  return {
    engine,
    api: validatingApi(engine),
    close: async () => {
      await engine.close();
      await store.close();
    },
  };
}

/** Polls the queue's next workflow task (the test makes sure it belongs to the run it means). */
export async function nextTask(engine: Engine, namespace: string, taskQueue: string): Promise<WorkflowTask> {
  const t = await engine.pollWorkflowTask({ namespace, taskQueue, identity: 'test', timeoutMs: 2000 });
  assert.ok(t, `no workflow task on ${namespace}/${taskQueue}`);
  return t;
}

/** Completes the queue's next workflow task with `commands`. */
export async function completeTask(engine: Engine, namespace: string, taskQueue: string, commands: Command[]): Promise<WorkflowTask> {
  const t = await nextTask(engine, namespace, taskQueue);
  await engine.completeWorkflowTask({ taskToken: t.taskToken, commands, sawUpTo: t.lastEventId, time: Date.now() });
  return t;
}

export const complete: Command = { type: 'CompleteWorkflow', result: p('done') };
export const fail: Command = { type: 'FailWorkflow', failure: { message: 'boom' } };
