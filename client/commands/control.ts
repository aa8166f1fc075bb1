// `drsctl approve | abort | cancel <workflow-id>`: the gates and the emergency stop. approve and
// abort are updates: the run answers what it did, or why there was nothing to do (exit 4).
import { Command } from 'commander';
import type { DrsOperationsClient } from '../lib';
import { withClient } from './common';

/** `<name> <workflow-id>`: sends one request to the run and prints what it answered. */
function runCommand<O>(
  name: string,
  description: string,
  send: (client: DrsOperationsClient, workflowId: string, opts: O) => Promise<string>,
): Command {
  return new Command(name)
    .description(description)
    .argument('<workflow-id>')
    .action(async (workflowId: string, opts: O, cmd: Command) => {
      console.log(await withClient(cmd, (client) => send(client, workflowId, opts)));
    });
}

const BY = [
  '--by <name>',
  "who is acting, recorded in the report (default: this client's identity, user@host)",
] as const;

/** approve, abort and cancel, in the order `drsctl --help` lists them. */
export function controlCommands(): Command[] {
  return [
    runCommand<{ by?: string; note?: string }>(
      'approve',
      'approve a run waiting at an approval gate (drill validation, failover confirmation, plan waves)',
      async (client, workflowId, opts) => {
        const result = await client.approve(workflowId, opts);
        return `approved ${workflowId}: ${result.message}`;
      },
    )
      .option(...BY)
      .option('--note <text>', 'a note recorded with the approval in the report'),
    runCommand<{ by?: string; reason: string }>(
      'abort',
      'abort a run gracefully: it stops at the next step and cleans up what it launched',
      async (client, workflowId, opts) => {
        const result = await client.abort(workflowId, opts);
        return `abort accepted by ${workflowId}: ${result.message}`;
      },
    )
      .option(...BY)
      .option('--reason <text>', 'why, shown in the report', 'aborted with drsctl'),
    runCommand(
      'cancel',
      'cancel a run (Temporal cancellation); a drill still terminates its drill instances',
      async (client, workflowId) => {
        await client.cancel(workflowId);
        return `cancellation requested for ${workflowId}`;
      },
    ),
  ];
}
