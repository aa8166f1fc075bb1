// drsctl: start, watch and control DRS workflows from a shell or a CI job.
// Exit codes: 0 succeeded, 1 the operation failed, 2 bad input, 3 Temporal unreachable, 4 an
// approve or abort was rejected.
import { Command, CommanderError } from 'commander';
import { CliError, ExitCode } from './errors';
import { OPERATIONS } from './operations';
import { controlCommands } from './commands/control';
import { addConnectionOptions } from './commands/common';
import { evidenceCommand } from './commands/evidence';
import { reportCommand } from './commands/report';
import { operationCommand, statusCommand } from './commands/run';
import { scheduleCommand } from './commands/schedule';

export function buildProgram(): Command {
  const program = new Command('drsctl')
    .description('Durable AWS DRS drills, failover, failback and replication control on Temporal')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  addConnectionOptions(program);
  for (const op of OPERATIONS) program.addCommand(operationCommand(op));
  for (const command of [
    statusCommand(),
    reportCommand(),
    ...controlCommands(),
    scheduleCommand(),
    evidenceCommand(),
  ]) {
    program.addCommand(command);
  }
  // subcommands inherit the exit override so a usage error is exit code 2, not commander's 1
  const inherit = (cmd: Command) => cmd.commands.forEach((c) => inherit(c.exitOverride()));
  inherit(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.SUCCEEDED;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0
      return err.exitCode === 0 ? ExitCode.SUCCEEDED : ExitCode.BAD_INPUT;
    }
    if (err instanceof CliError) {
      console.error(`drsctl: ${err.message}`);
      return err.exitCode;
    }
    console.error(`drsctl: ${(err as Error)?.stack ?? String(err)}`);
    return ExitCode.OPERATION_FAILED;
  }
}
