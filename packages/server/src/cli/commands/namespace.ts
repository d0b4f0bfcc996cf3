// `endure namespace create | list | describe`.
import type { Command } from 'commander';
import type { NamespaceInfo } from '@endure/client';
import { durationMs } from '../input.js';
import { formatDuration, isoTime, outputOption, print, printFields, printJson, printTable, type OutputFormat } from '../output.js';
import { globalOptions, withClient } from '../context.js';

function namespaceJson(n: NamespaceInfo) {
  return { namespace: n.namespace, description: n.description, retentionMs: n.retentionMs, createdTime: isoTime(n.createdTime), searchAttributes: n.searchAttributes };
}

function printNamespace(n: NamespaceInfo): void {
  printFields([
    ['Namespace', n.namespace],
    ['Description', n.description],
    ['Retention', formatDuration(n.retentionMs)],
    ['CreatedTime', isoTime(n.createdTime)],
  ]);
  print('\nSearch attributes:');
  printTable(['Name', 'Type'], Object.entries(n.searchAttributes).map(([k, t]) => [k, t]));
}

/** The positional name, else the global --namespace. */
const target = (name: string | undefined, cmd: Command) => name ?? globalOptions(cmd).namespace;

export function registerNamespaceCommands(program: Command): void {
  const ns = program.command('namespace').description('create, list and describe namespaces');

  ns.command('create')
    .description('create a namespace')
    .argument('[name]', 'namespace name (default: --namespace)')
    .option('--description <text>', 'what the namespace is for')
    .option('--retention <duration>', "how long closed runs are kept, e.g. '72h' or '30 days' (default 3 days)", durationMs('--retention'))
    .addOption(outputOption())
    .action(async (name: string | undefined, f: { description?: string; retention?: number; output: OutputFormat }, cmd: Command) => {
      const info = await withClient(cmd, ({ client }) => client.operator.registerNamespace({ namespace: target(name, cmd), description: f.description, retention: f.retention }));
      if (f.output === 'json') printJson(namespaceJson(info));
      else print(`Namespace '${info.namespace}' created (retention ${formatDuration(info.retentionMs)}).`);
    });

  ns.command('list')
    .description('list namespaces')
    .addOption(outputOption())
    .action(async (f: { output: OutputFormat }, cmd: Command) => {
      const all = await withClient(cmd, ({ client }) => client.operator.listNamespaces());
      if (f.output === 'json') return printJson({ namespaces: all.map(namespaceJson) });
      printTable(['Namespace', 'Retention', 'Created Time', 'Description'], all.map((n) => [n.namespace, formatDuration(n.retentionMs), isoTime(n.createdTime), n.description]));
    });

  ns.command('describe')
    .description('show a namespace: retention and search attributes')
    .argument('[name]', 'namespace name (default: --namespace)')
    .addOption(outputOption())
    .action(async (name: string | undefined, f: { output: OutputFormat }, cmd: Command) => {
      const info = await withClient(cmd, ({ client }) => client.operator.describeNamespace(target(name, cmd)));
      if (f.output === 'json') printJson(namespaceJson(info));
      else printNamespace(info);
    });
}
