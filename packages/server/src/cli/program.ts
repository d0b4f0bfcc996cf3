// The `endure` command tree: global options, the command groups, and help text.
import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { DEFAULT_ADDRESS } from './context.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { collect } from './input.js';
import { registerWorkflowCommands } from './commands/workflow/index.js';
import { registerNamespaceCommands } from './commands/namespace.js';
import { registerTaskQueueCommands } from './commands/task-queue.js';
import { registerOperatorCommands } from './commands/operator.js';
import { registerServerCommands } from './commands/server.js';
import { registerDbCommands } from './commands/db.js';
import { registerClusterCommands } from './commands/cluster.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

const EPILOGUE = `
Environment:
  ENDURE_ADDRESS    default for --address (else localhost:7233, where start-dev listens)
  ENDURE_NAMESPACE  default for --namespace
  ENDURE_API_KEY    default for --api-key

${EXIT_CODES_HELP}

Examples:
  endure server start-dev
  endure workflow start --type order -t orders -w order-42 -i '"42"'
  endure workflow list -q "ExecutionStatus = 'Running'" -o json
  endure db migrate --from sqlite:./endure.db --to postgres://127.0.0.1:5432/endure`;

export function buildProgram(): Command {
  const program = new Command('endure')
    .description('Endure: durable execution for TypeScript. Run a server and start, inspect and steer workflows.')
    .version(version, '-V, --version')
    .addOption(new Option('--address <address>', 'Endure server (host:port, http(s)://host:port), or sqlite:<file> for a database no process holds').env('ENDURE_ADDRESS').default(DEFAULT_ADDRESS))
    .addOption(new Option('-n, --namespace <name>', 'namespace to work in').env('ENDURE_NAMESPACE').default('default'))
    .addOption(new Option('--api-key <key>', 'API key sent to the server (start-dev: a key it accepts; repeat for several)').env('ENDURE_API_KEY').argParser(collect))
    .exitOverride()
    .addHelpText('after', EPILOGUE);
  registerServerCommands(program);
  registerWorkflowCommands(program);
  registerNamespaceCommands(program);
  registerTaskQueueCommands(program);
  registerOperatorCommands(program);
  registerDbCommands(program);
  registerClusterCommands(program);
  return program;
}
