// `drsctl approve | abort | cancel <workflow-id>`: the gates and the emergency stop.
import { Command } from 'commander';
import type { DrsOperationsClient } from '../lib';
import { withClient } from './common';

/** `<name> <workflow-id>`: sends one message to the run and says so. */
function runCommand<O>(
  name: string,
  description: string,
  send: (client: DrsOperationsClient, workflowId: string, opts: O) => Promise<void>,
  done: string,
): Command {
  return new Command(name)
    .description(description)
    .argument('<workflow-id>')
    .action(async (workflowId: string, opts: O, cmd: Command) => {
      await withClient(cmd, (client) => send(client, workflowId, opts));
      console.log(`${done} ${workflowId}`);
    });
}

/** approve, abort and cancel, in the order `drsctl --help` lists them. */
export function controlCommands(): Command[] {
  return [
    runCommand(
      'approve',
      'approve a run waiting at an approval gate (drill validation, plan waves)',
      (client, workflowId) => client.approve(workflowId),
      'approved',
    ),
    runCommand<{ reason: string }>(
      'abort',
      'abort a run gracefully: it stops at the next step and cleans up what it launched',
      (client, workflowId, opts) => client.abort(workflowId, opts.reason),
      'abort requested for',
    ).option('--reason <text>', 'why, shown in the report', 'aborted with drsctl'),
    runCommand(
      'cancel',
      'cancel a run (Temporal cancellation); a drill still terminates its drill instances',
      (client, workflowId) => client.cancel(workflowId),
      'cancellation requested for',
    ),
  ];
}
