// `sqlite:` and `postgres://` addresses run the engine in this process, which lives in @endure/embedded (the engine,
// SQLite and its native module). It is loaded here, on first use, so that a client that only
// talks HTTP needs neither installed nor loaded; it is an optional peer dependency of this
// package (@endure/worker, @endure/testing and @endure/server depend on it).
import type { EmbeddedOptions, Transport } from './index.js';

/** What this package uses of @endure/embedded; checked against the package's own types below. */
interface EmbeddedModule {
  // A property, not a method, so that the check is strict in the options' type.
  openEmbeddedTransport: (path: string, options: EmbeddedOptions) => Promise<Transport>;
}

export class EmbeddedEngineMissingError extends Error {
  override name = 'EmbeddedEngineMissingError';
}

/** Whether `err` says that @endure/embedded itself is not installed (not one of its own imports). */
function isMissingEmbedded(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const missing = e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND';
  return missing && typeof e.message === 'string' && /['"]@endure\/embedded['"]/.test(e.message);
}

async function load(): Promise<EmbeddedModule> {
  try {
    // The CommonJS build turns this into require() (scripts/build-cjs.mjs), so jest's module
    // system loads it like any other module.
    const mod: EmbeddedModule = await import('@endure/embedded');
    return mod;
  } catch (err) {
    if (!isMissingEmbedded(err)) throw err;
    throw new EmbeddedEngineMissingError(
      `a 'sqlite:' or 'postgres://' address runs the engine in this process, which needs the package @endure/embedded: npm install @endure/embedded (or connect to an endure server with an 'http://' address)`,
    );
  }
}

/** Opens (or joins) the in-process engine on the SQLite file `path`, or the `postgres://` address. */
export async function openEmbeddedEngine(path: string, options: EmbeddedOptions): Promise<Transport> {
  return (await load()).openEmbeddedTransport(path, options);
}
