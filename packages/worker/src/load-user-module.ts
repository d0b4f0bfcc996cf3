import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Loads a module of the user's (a payload converter) by file path, in the module system this
 * package was loaded in. In the CommonJS build (scripts/build-cjs.mjs) `require` is this module's
 * own — jest's, ts-node's or tsx's when they load it — so a TypeScript file loads the way the rest
 * of the user's code does; jest's CommonJS runtime could not import() it at all.
 */
export async function loadUserModule(path: string): Promise<unknown> {
  const file = resolve(path);
  if (typeof require === 'function') return require(file) as unknown;
  return import(pathToFileURL(file).href) as Promise<unknown>;
}
