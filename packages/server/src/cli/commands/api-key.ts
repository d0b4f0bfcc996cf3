// `endure operator api-key create | list | revoke`: the server's namespace-scoped API keys.
import type { Command } from 'commander';
import { ALL_NAMESPACES, ApiKeyRole } from '@endure/protocol';
import { usageError } from '../exit-codes.js';
import { isoTime, outputOption, print, printJson, printTable, type OutputFormat } from '../output.js';
import { globalOptions, withClient } from '../context.js';

const ROLES_HELP = 'reader (read), writer (read, start, signal, update, cancel, terminate, complete activities), worker (poll and complete tasks), admin (everything)';

/** The key's namespaces: --all-namespaces, else --namespaces a,b, else the global --namespace. */
function namespacesOf(f: { namespaces?: string; allNamespaces?: boolean }, cmd: Command): string[] {
  if (f.allNamespaces && f.namespaces) throw usageError('give --all-namespaces or --namespaces, not both');
  if (f.allNamespaces) return [ALL_NAMESPACES];
  if (f.namespaces) {
    const list = f.namespaces.split(',').map((n) => n.trim()).filter(Boolean);
    if (list.length === 0) throw usageError('--namespaces takes a comma-separated list of namespace names, e.g. --namespaces orders,billing');
    return list;
  }
  return [globalOptions(cmd).namespace];
}

export function registerApiKeyCommands(operator: Command): void {
  const apiKey = operator.command('api-key').description("API keys of the server: a role in some namespaces (admin only; shown once, stored hashed)");

  apiKey
    .command('create')
    .description('make an API key; prints the key once (it cannot be shown again)')
    .requiredOption('--role <role>', ROLES_HELP)
    .option('--namespaces <list>', 'comma-separated namespaces the key may act in (default: the --namespace in effect)')
    .option('--all-namespaces', 'the key may act in every namespace, present and future')
    .option('--description <text>', 'what the key is for (shown by list)')
    .addOption(outputOption())
    .action(async (f: { role: string; namespaces?: string; allNamespaces?: boolean; description?: string; output: OutputFormat }, cmd: Command) => {
      const role = ApiKeyRole.safeParse(f.role);
      if (!role.success) throw usageError(`--role must be one of ${ApiKeyRole.options.join(', ')}; got '${f.role}'`);
      const namespaces = namespacesOf(f, cmd);
      const k = await withClient(cmd, ({ client }) => client.operator.createApiKey({ role: role.data, namespaces, description: f.description }));
      if (f.output === 'json') return printJson(k);
      print(`API key ${k.keyId} created: role ${k.role} in ${k.namespaces.includes(ALL_NAMESPACES) ? 'all namespaces' : k.namespaces.join(', ')}.`);
      print(`Key (shown this once; only its hash is stored): ${k.key}`);
    });

  apiKey
    .command('list')
    .description('list the API keys: id, role, namespaces, created time (never the secret)')
    .addOption(outputOption())
    .action(async (f: { output: OutputFormat }, cmd: Command) => {
      const keys = await withClient(cmd, ({ client }) => client.operator.listApiKeys());
      if (f.output === 'json') return printJson({ keys });
      if (keys.length === 0) return print('No API keys.');
      printTable(['Id', 'Role', 'Namespaces', 'Created time', 'Description'], keys.map((k) => [k.keyId, k.role, k.namespaces.join(','), isoTime(k.createdTime), k.description]));
    });

  apiKey
    .command('revoke')
    .description('revoke an API key: requests carrying it are refused from now on')
    .argument('<id>', 'the key id (from create or list)')
    .addOption(outputOption())
    .action(async (keyId: string, f: { output: OutputFormat }, cmd: Command) => {
      await withClient(cmd, ({ client }) => client.operator.revokeApiKey(keyId));
      if (f.output === 'json') printJson({ revoked: keyId });
      else print(`API key ${keyId} revoked.`);
    });
}
