// Entry of the `endure` binary (bin/endure.js): runs one command and exits with a code scripts
// can rely on (see exit-codes.ts); errors are one line on stderr, never a stack trace.
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { reportError } from './errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { DEFAULT_ADDRESS } from './context.js';

async function run(argv: string[]): Promise<ExitCode> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    // Commander has already printed its message (or the help) when it throws.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    const address = program.opts<{ address?: string }>().address ?? DEFAULT_ADDRESS;
    const { message, exitCode } = reportError(err, address);
    process.stderr.write(`error: ${message}\n`);
    if (process.env['ENDURE_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
    return exitCode;
  }
}

// No top-level await, so this file has a CommonJS build too (scripts/build-cjs.mjs).
// Exit explicitly once output is flushed: an idle keep-alive socket must not hold the process.
void run(process.argv).then((code) => process.stdout.write('', () => process.exit(code)));
