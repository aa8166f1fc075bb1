// `drsctl approve | abort | cancel <workflow-id>`: the gates and the emergency stop. approve and
// abort are updates: the run answers what it did, or why there was nothing to do (exit 4).
import { Command } from 'commander';
import type { DrsOperationsClient } from '../lib';
import { BadInputError } from '../errors';
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

const TIMEOUT = [
  '--timeout <seconds>',
  'how long to wait for the run to answer; it answers through a worker (exit 3 without one)',
  '30',
] as const;

const timeoutMs = (seconds: string): number => {
  const value = Number(seconds);
  if (!Number.isFinite(value) || value <= 0)
    throw new BadInputError(`--timeout: "${seconds}" is not a number of seconds above 0`);
  return value * 1000;
};

const BY = [
  '--by <name>',
  "who is acting, recorded in the report (default: this client's identity, user@host)",
] as const;

/** approve, abort and cancel, in the order `drsctl --help` lists them. */
export function controlCommands(): Command[] {
  return [
    runCommand<{ by?: string; note?: string; timeout: string }>(
      'approve',
      'approve a run waiting at an approval gate (drill validation, failover confirmation, plan waves)',
      async (client, workflowId, { timeout, ...opts }) => {
        const result = await client.approve(workflowId, { ...opts, timeoutMs: timeoutMs(timeout) });
        return `approved ${workflowId}: ${result.message}`;
      },
    )
      .option(...BY)
      .option('--note <text>', 'a note recorded with the approval in the report')
      .option(...TIMEOUT),
    runCommand<{ by?: string; reason: string; timeout: string }>(
      'abort',
      'abort a run gracefully: it stops at the next step and cleans up what it launched',
      async (client, workflowId, { timeout, ...opts }) => {
        const result = await client.abort(workflowId, { ...opts, timeoutMs: timeoutMs(timeout) });
        return `abort accepted by ${workflowId}: ${result.message}`;
      },
    )
      .option(...BY)
      .option('--reason <text>', 'why, shown in the report', 'aborted with drsctl')
      .option(...TIMEOUT),
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
