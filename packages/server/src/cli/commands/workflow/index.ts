// The `endure workflow …` command group.
import type { Command } from 'commander';
import { registerStart } from './start.js';
import { registerRead } from './read.js';
import { registerShow } from './show.js';
import { registerResult } from './result.js';
import { registerMessages } from './messages.js';
import { registerControl } from './control.js';

export function registerWorkflowCommands(program: Command): void {
  const workflow = program.command('workflow').description('start, inspect and steer workflows');
  registerStart(workflow);
  registerRead(workflow);
  registerShow(workflow);
  registerResult(workflow);
  registerMessages(workflow);
  registerControl(workflow);
}
