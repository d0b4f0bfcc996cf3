// `endure db migrate`: moves a database to another store (SQLite to PostgreSQL, or to another
// SQLite file) with its workflows mid-flight, through copyStore; progress on stderr, a summary on
// stdout.
import type { Command } from 'commander';
import type { Store } from '@endure/storage';
import { copyStore, type CopyProgress, type CopySummary } from '@endure/storage/copy';
import { usageError } from '../exit-codes.js';
import { outputOption, print, printJson, printTable, type OutputFormat } from '../output.js';
import { openStoreAt, parseStoreAddress, sameDatabase } from '../store-address.js';

interface MigrateFlags {
  from: string;
  to: string;
  output: OutputFormat;
}

function progress(p: CopyProgress): void {
  process.stderr.write(`${p.phase === 'copy' ? 'copied' : 'verified'} ${p.runs} run(s) of namespace ${p.namespace}\n`);
}

async function migrate(f: MigrateFlags): Promise<void> {
  const from = parseStoreAddress('--from', f.from);
  const to = parseStoreAddress('--to', f.to);
  if (sameDatabase(from, to)) throw usageError(`--from and --to name the same database (${from.text}); give a new, empty database as --to`);
  const stores: Store[] = [];
  let summary: CopySummary;
  try {
    // The source first: if an engine holds it, nothing is created at the target.
    stores.push(await openStoreAt(from, true));
    stores.push(await openStoreAt(to, false));
    process.stderr.write(`copying ${from.text} to ${to.text}\n`);
    summary = await copyStore(stores[0]!, stores[1]!, progress);
  } finally {
    for (const s of stores.reverse()) await s.close();
  }
  if (f.output === 'json') return printJson({ from: from.text, to: to.text, verified: true, ...summary });
  print(`Copied ${from.text} to ${to.text} and verified the copy: ${summary.runs} run(s), ${summary.events} history event(s), ${summary.tasks} task(s), ${summary.timers} timer(s).`);
  printTable(
    ['Namespace', 'Runs', 'Open', 'Closed', 'Events', 'Tasks', 'Timers'],
    summary.namespaces.map((n) => [n.name, ...[n.runs, n.open, n.closed, n.events, n.tasks, n.timers].map(String)]),
  );
  print(`Task-token keys: ${summary.tokenKeys}. API keys: ${summary.apiKeys}.`);
}

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('work on a database directly (no engine may hold it)');
  db.command('migrate')
    .description('copy a whole database, workflows mid-flight included, into a new empty one (e.g. SQLite to PostgreSQL), then verify the copy')
    .requiredOption('--from <address>', "the database to copy: 'sqlite:<file>' or 'postgres://…'; stop every engine and server on it first")
    .requiredOption('--to <address>', "a new, empty database: 'sqlite:<file>' or 'postgres://…'")
    .addOption(outputOption())
    .action((f: MigrateFlags) => migrate(f));
}
