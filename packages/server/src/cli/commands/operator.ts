// `endure operator search-attribute create | list`, `endure operator rotate-token-key`, and the
// `endure operator api-key` group (api-key.ts).
import type { Command } from 'commander';
import { SearchAttributeType } from '@endure/protocol';
import { collect } from '../input.js';
import { usageError } from '../exit-codes.js';
import { outputOption, print, printJson, printTable, type OutputFormat } from '../output.js';
import { withClient } from '../context.js';
import { registerApiKeyCommands } from './api-key.js';

/** Pairs each --name with the --type at the same position (one --type applies to all names). */
function pairNames(names: string[], types: string[]): Record<string, SearchAttributeType> {
  if (types.length !== 1 && types.length !== names.length) {
    throw usageError(`give one --type for all names or one per --name (got ${names.length} names and ${types.length} types)`);
  }
  const out: Record<string, SearchAttributeType> = {};
  names.forEach((name, i) => {
    const type = types[types.length === 1 ? 0 : i]!;
    const parsed = SearchAttributeType.safeParse(type);
    if (!parsed.success) throw usageError(`--type must be one of ${SearchAttributeType.options.join(', ')}; got '${type}'`);
    out[name] = parsed.data;
  });
  return out;
}

export function registerOperatorCommands(program: Command): void {
  const operator = program.command('operator').description('administer the server');
  const sa = operator.command('search-attribute').description('custom search attributes (indexed fields for `workflow list --query`)');

  sa.command('create')
    .description('register custom search attributes in the namespace')
    .requiredOption('--name <name>', 'attribute name (letters, digits, _); repeat for several', collect)
    .requiredOption('--type <type>', `${SearchAttributeType.options.join(' | ')}; repeat to pair with each --name`, collect)
    .addOption(outputOption())
    .action(async (f: { name: string[]; type: string[]; output: OutputFormat }, cmd: Command) => {
      const attrs = pairNames(f.name, f.type);
      await withClient(cmd, ({ client }) => client.operator.addSearchAttributes(attrs));
      if (f.output === 'json') printJson({ added: attrs });
      else print(`Search attribute(s) added: ${Object.entries(attrs).map(([k, t]) => `${k} (${t})`).join(', ')}.`);
    });

  sa.command('list')
    .description('list the built-in and custom search attributes of the namespace')
    .addOption(outputOption())
    .action(async (f: { output: OutputFormat }, cmd: Command) => {
      const r = await withClient(cmd, ({ client }) => client.operator.listSearchAttributes());
      if (f.output === 'json') return printJson({ system: r.system, custom: r.custom });
      printTable(['Name', 'Type', 'Kind'], [
        ...Object.entries(r.system).map(([k, t]) => [k, t, 'system']),
        ...Object.entries(r.custom).map(([k, t]) => [k, t, 'custom']),
      ]);
    });

  operator
    .command('rotate-token-key')
    .description('make a new task-token signing key; tokens signed by the previous key stay valid until the next rotation (rotate twice to refuse them at once)')
    .addOption(outputOption())
    .action(async (f: { output: OutputFormat }, cmd: Command) => {
      const r = await withClient(cmd, ({ client }) => client.operator.rotateTokenKey());
      if (f.output === 'json') return printJson(r);
      print(`Task tokens are now signed with key ${r.keyId}.`);
      print(`Accepted: ${r.acceptedKeyIds.join(', ')}.`);
      print(r.retiredKeyIds.length ? `Retired (their tokens are refused): ${r.retiredKeyIds.join(', ')}.` : 'No key was retired.');
    });

  registerApiKeyCommands(operator);
}
