// Loads every public package (and its sub-paths) with import and with require, and prints the
// export names of each, which must be the same.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const entries = JSON.parse(process.argv[2]);
const out = {};
for (const entry of entries) {
  const esm = Object.keys(await import(entry)).filter((k) => k !== 'default').sort();
  const cjs = Object.keys(require(entry)).filter((k) => k !== 'default' && k !== '__esModule').sort();
  out[entry] = { esm, cjs };
}
console.log(`EXPORTS ${JSON.stringify(out)}`);
