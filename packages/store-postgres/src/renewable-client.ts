// A driver client that is replaced, never reused, once one of its connections was lost.
//
// postgres.js (3.4.x) keeps a lost connection's object and reconnects it on the next query, but
// that object is not safe to use again when the loss came in the middle of a transaction or of a
// buffered write: the ROLLBACK the driver sends after the failure, or any statement sent then, is
// written from a setImmediate to a socket already set to null, a TypeError thrown outside every
// promise that kills the process (porsager/postgres#1154, #1208); and a write buffered when the
// socket closed leaves its flush timer cleared but set, so the reconnected session never sends
// its startup message (porsager/postgres#1208, #1209). So:
// - a transaction whose connection was lost is left unsettled (`guard`): the driver then never
//   ends it on the dead connection; the caller learns of the loss from the driver's own rejection
//   of `begin`;
// - the next caller gets a new client with fresh connections; the old one is ended (its
//   connections terminated, so nothing more is ever written through them).
import type { Sql } from './connect.js';

export class RenewableClient {
  private current: Sql;
  /** Bumped when a connection of the current client closes; the next use renews the client. */
  private generation = 0;
  private renewedAt = 0;
  /** Told when a connection of the current client is lost. */
  private readonly losses = new Set<() => void>();

  /**
   * @param open makes a client whose `onclose` option calls the function it is given.
   * @param lingerS how long an old client's queries in flight may still finish, in seconds.
   */
  constructor(
    private readonly open: (onclose: () => void) => Sql,
    private readonly lingerS: number,
  ) {
    this.current = this.make();
  }

  /** The client to use now (a fresh one if a connection of the last one was lost). */
  get sql(): Sql {
    if (this.renewedAt !== this.generation) {
      const old = this.current;
      this.current = this.make();
      this.renewedAt = this.generation;
      void old.end({ timeout: this.lingerS }).catch(() => undefined);
    }
    return this.current;
  }

  /** Whether a connection was lost since `sql` last handed out a client. */
  get lost(): boolean {
    return this.renewedAt !== this.generation;
  }

  /**
   * `work`'s outcome, unless a connection of this client was lost before it settled: then never
   * settles (see the file's comment). For the function given to `sql.begin`.
   */
  guard<T>(work: Promise<T>): Promise<T> {
    const at = this.generation;
    return new Promise<T>((resolve, reject) => {
      work.then(
        (v) => {
          if (this.generation === at) resolve(v);
        },
        (e: unknown) => {
          if (this.generation === at) reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  /**
   * Calls `told` once a connection of the client `sql` hands out now is lost; returns a function
   * that stops it. A guarded transaction that the driver does not end after the loss would
   * otherwise wait forever: its caller stops waiting for it a moment after (write-batcher.ts).
   */
  onLoss(told: () => void): () => void {
    if (this.lost) {
      told();
      return () => {};
    }
    this.losses.add(told);
    return () => this.losses.delete(told);
  }

  end(timeoutS: number): Promise<void> {
    return this.current.end({ timeout: timeoutS });
  }

  private make(): Sql {
    let live = true;
    // Only the current client's closes count: an old one's connections end when it is replaced.
    return this.open(() => {
      if (!live) return;
      live = false;
      this.generation++;
      const losses = [...this.losses];
      this.losses.clear();
      for (const told of losses) told();
    });
  }
}
