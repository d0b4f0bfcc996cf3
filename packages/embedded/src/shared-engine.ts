import { resolve } from 'node:path';
import type { EngineApi } from '@endure/protocol';
import { Engine, type EngineHealth, type EngineOptions } from '@endure/engine';
import { SqliteStore } from '@endure/store-sqlite';

interface Shared {
  refs: number;
  ready: Promise<{ engine: Engine; store: SqliteStore }>;
}

/** One engine per database file per process: every connection to the same file shares it. */
const open = new Map<string, Shared>();

export interface SharedEngineHandle {
  api: EngineApi;
  engine: Engine;
  /** The shared engine's state (see Engine.health). */
  health(): EngineHealth;
  close(): Promise<void>;
}

export async function openSharedEngine(path: string, opts: EngineOptions = {}): Promise<SharedEngineHandle> {
  const abs = resolve(path);
  let shared = open.get(abs);
  if (!shared) {
    const ready = (async () => {
      const store = await SqliteStore.open(abs);
      try {
        return { engine: await Engine.open(store, opts), store };
      } catch (err) {
        await store.close();
        throw err;
      }
    })();
    shared = { refs: 0, ready };
    open.set(abs, shared);
    ready.catch(() => open.delete(abs));
  }
  shared.refs++;
  const s = shared;
  let engine: Engine;
  try {
    ({ engine } = await s.ready);
  } catch (err) {
    s.refs--;
    throw err;
  }
  let closed = false;
  return {
    api: engine,
    engine,
    health: () => engine.health(),
    async close() {
      if (closed) return;
      closed = true;
      if (--s.refs > 0) return;
      open.delete(abs);
      const { engine: e, store } = await s.ready;
      await e.close();
      await store.close();
    },
  };
}
