import { validatingApi, type EngineApi } from '@endure/protocol';
import { Engine, type EngineHealth, type EngineOptions } from '@endure/engine';
import { databaseKey, displayTarget, openStore, type OpenedStore } from './open-store.js';

interface Shared {
  refs: number;
  /** `api`: the engine with each request validated (this process's callers reach it through no other edge). */
  ready: Promise<{ engine: Engine; api: EngineApi; opened: OpenedStore }>;
  /** The settings the engine was opened with: the first connection's. */
  settings: EngineOptions;
  /** Set once the last connection closed it: an open meanwhile waits, then opens it anew. */
  closing?: Promise<void>;
}

/** The settings a connection may pass; a later connection to the same file must agree with the first. */
const SETTINGS = ['maxPayloadBytes', 'clock', 'timerHorizonMs'] as const;

/**
 * Settings apply when the engine opens: a later connection that asks for different ones would be
 * accepted and ignored, so it is refused, naming the setting.
 */
function checkJoin(file: string, opened: EngineOptions, asked: EngineOptions): void {
  for (const name of SETTINGS) {
    if (asked[name] === undefined || asked[name] === opened[name]) continue;
    const was = opened[name] === undefined ? 'its default' : name === 'clock' ? 'another clock' : String(opened[name]);
    throw new TypeError(
      `embedded.${name}: the engine on ${displayTarget(file)} is already open in this process with ${was}; its settings are those of the connection that opened it: pass the same value, or none`,
    );
  }
}

/** One engine per database per process: every connection to the same file (or PostgreSQL schema) shares it. */
const open = new Map<string, Shared>();

export interface SharedEngineHandle {
  /** The engine's operations, each request validated first. */
  api: EngineApi;
  /** The engine itself: its methods take requests already validated. */
  engine: Engine;
  /** The shared engine's state (see Engine.health). */
  health(): EngineHealth;
  /** Records the URL of the endure server serving this database, for the error a second opener sees. */
  recordServerUrl(url: string): Promise<void>;
  close(): Promise<void>;
}

/** `path`: a SQLite file, or a `postgres://` address (see open-store.ts). */
export async function openSharedEngine(path: string, opts: EngineOptions = {}): Promise<SharedEngineHandle> {
  const key = await databaseKey(path);
  let shared = open.get(key);
  while (shared?.closing) {
    await shared.closing;
    shared = open.get(key);
  }
  if (shared) {
    checkJoin(path, shared.settings, opts);
  } else {
    const ready = (async () => {
      const opened = await openStore(path, key);
      try {
        const engine = await Engine.open(opened.store, opts);
        return { engine, api: validatingApi(engine), opened };
      } catch (err) {
        await opened.store.close();
        throw err;
      }
    })();
    const created: Shared = { refs: 0, ready, settings: { ...opts } };
    shared = created;
    open.set(key, created);
    ready.catch(() => {
      if (open.get(key) === created) open.delete(key);
    });
  }
  shared.refs++;
  const s = shared;
  let engine: Engine;
  let api: EngineApi;
  try {
    ({ engine, api } = await s.ready);
  } catch (err) {
    s.refs--;
    throw err;
  }
  let closed = false;
  return {
    api,
    engine,
    health: () => engine.health(),
    recordServerUrl: async (url) => (await s.ready).opened.recordServerUrl(url),
    async close() {
      if (closed) return;
      closed = true;
      if (--s.refs > 0) return;
      s.closing = (async () => {
        const { engine: e, opened } = await s.ready;
        await e.close();
        await opened.store.close();
      })().finally(() => {
        if (open.get(key) === s) open.delete(key);
      });
      await s.closing;
    },
  };
}
