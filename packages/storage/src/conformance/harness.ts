// Gives each conformance test a fresh store and a way to close and reopen it.
import type { Store } from '../port.js';

/** One empty store under test; `open` may be called again after the previous store is closed. */
export interface StoreHarness {
  /** Opens the store; every call after a close must see what earlier instances acknowledged. */
  open(): Promise<Store>;
  /** Deletes whatever the harness created; called once, after the last store is closed. */
  cleanup(): Promise<void>;
}

export type MakeStore = () => Promise<StoreHarness>;

export interface TestContext {
  /** The currently open store. */
  readonly store: Store;
  /** Closes the current store and opens the same one again. */
  reopen(): Promise<Store>;
}

export type WithStore = (fn: (ctx: TestContext) => Promise<void>) => Promise<void>;

export function withStoreFrom(makeStore: MakeStore): WithStore {
  return async (fn) => {
    const harness = await makeStore();
    let current: Store | undefined;
    try {
      current = await harness.open();
      const ctx: TestContext = {
        get store(): Store {
          if (!current) throw new Error('store is not open (a reopen failed)');
          return current;
        },
        async reopen(): Promise<Store> {
          const s = ctx.store;
          current = undefined;
          await s.close();
          current = await harness.open();
          return current;
        },
      };
      await fn(ctx);
    } finally {
      try {
        await current?.close();
      } finally {
        await harness.cleanup();
      }
    }
  };
}
