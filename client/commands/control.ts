// `drsctl approve | abort | cancel <workflow-id>`: the gates and the emergency stop.
import { Command } from 'commander';
import { withClient } from './common';

export function approveCommand(): Command {
  return new Command('approve')
    .description('approve a run waiting at an approval gate (drill validation, plan waves)')
    .argument('<workflow-id>')
    .action(async (workflowId: string, _opts, cmd: Command) => {
      await withClient(cmd, (drs) => drs.approve(workflowId));
      console.log(`approved ${workflowId}`);
    });
}

export function abortCommand(): Command {
  return new Command('abort')
    .description('abort a run gracefully: it stops at the next step and cleans up what it launched')
    .argument('<workflow-id>')
    .option('--reason <text>', 'why, shown in the report', 'aborted with drsctl')
    .action(async (workflowId: string, opts: { reason: string }, cmd: Command) => {
      await withClient(cmd, (drs) => drs.abort(workflowId, opts.reason));
      console.log(`abort requested for ${workflowId}`);
    });
}

export function cancelCommand(): Command {
  return new Command('cancel')
    .description('cancel a run (Temporal cancellation); a drill still terminates its drill instances')
    .argument('<workflow-id>')
    .action(async (workflowId: string, _opts, cmd: Command) => {
      await withClient(cmd, (drs) => drs.cancel(workflowId));
      console.log(`cancellation requested for ${workflowId}`);
    });
}
