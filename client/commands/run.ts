// `drsctl <operation>` (one subcommand per workflow) and `drsctl status`.
import { Command, Option } from 'commander';
import { ExitCode } from '../errors';
import { buildInput, type FlagValues } from '../input';
import type { Operation } from '../operations';
import { describeProgress } from '../progress';
import { addReportOptions, collect, waitAndReport, withClient, type WaitFlags } from './common';

/** Adds the operation's input flags plus `--input`; returns a reader for the values given. */
export function addInputOptions(
  command: Command,
  operation: Operation,
): (cmd: Command) => { inputFile?: string; flags: FlagValues } {
  command.option('--input <file>', 'workflow input as a JSON or YAML file (flags override its fields)');
  const byAttribute = new Map<string, Operation['flags'][number]>();
  for (const flag of operation.flags) {
    const option = new Option(flag.flags, flag.description);
    if (flag.repeatable) option.argParser(collect);
    command.addOption(option);
    byAttribute.set(option.attributeName(), flag);
  }
  return (cmd) => {
    const flags: FlagValues = new Map();
    const opts = cmd.opts<Record<string, unknown>>();
    for (const [attribute, flag] of byAttribute) {
      // only what was typed: `--no-tag-jobs` has an implicit default that must not override the file
      if (cmd.getOptionValueSource(attribute) === 'cli') flags.set(flag, opts[attribute]);
    }
    return { inputFile: opts.input as string | undefined, flags };
  };
}

interface RunFlags extends WaitFlags {
  wait?: boolean;
  workflowId?: string;
}

export function operationCommand(operation: Operation): Command {
  const command = new Command(operation.name).description(
    `start ${operation.workflowType}: ${operation.description}`,
  );
  const readInput = addInputOptions(command, operation);
  command
    .option('--workflow-id <id>', 'workflow id (default: derived from the operation and its servers)')
    .option('--wait', 'wait for the result with live progress; the exit code tells the outcome');
  addReportOptions(command);
  command.action(async (_opts, cmd: Command) => {
    const flags = cmd.opts<RunFlags>();
    // validated before connecting: bad input never starts anything (exit 2)
    const { input } = buildInput(operation, readInput(cmd));
    process.exitCode = await withClient(cmd, async (client) => {
      const run = await client.start(operation, input, { workflowId: flags.workflowId });
      console.error(
        `${run.attached ? 'attached to running' : 'started'} ${operation.workflowType} ${run.workflowId} (run ${run.runId})`,
      );
      if (!flags.wait) {
        console.log(run.workflowId);
        return ExitCode.SUCCEEDED;
      }
      return waitAndReport(client, run.workflowId, flags, run.runId);
    });
  });
  return command;
}

interface StatusFlags extends WaitFlags {
  wait?: boolean;
  json?: boolean;
}

export function statusCommand(): Command {
  const command = new Command('status')
    .description(
      "show a run's state and progress; with --wait or once closed, its report and outcome exit code",
    )
    .argument('<workflow-id>')
    .option('--wait', 'wait until the run closes')
    .option('--json', 'print the description and progress as JSON');
  addReportOptions(command);
  return command.action(async (workflowId: string, _opts, cmd: Command) => {
    const flags = cmd.opts<StatusFlags>();
    process.exitCode = await withClient(cmd, async (client) => {
      const description = await client.describe(workflowId);
      const running = description.status.name === 'RUNNING';
      // what the Temporal UI shows on the run (set by drsctl and schedules)
      const summary = await description.staticSummary();
      const progress = await client.progress({
        workflowId,
        runId: description.runId,
        type: description.type,
      });
      if (flags.json) {
        console.log(
          JSON.stringify(
            {
              workflowId,
              runId: description.runId,
              type: description.type,
              summary,
              status: description.status.name,
              startTime: description.startTime,
              closeTime: description.closeTime,
              progress,
            },
            null,
            2,
          ),
        );
      } else {
        console.log(
          `${description.type} ${workflowId} (run ${description.runId}): ${description.status.name}, started ${description.startTime.toISOString()}`,
        );
        if (summary) console.log(`  ${summary}`);
        if (progress) console.log(`  ${describeProgress(progress)}`);
      }
      if (running && !flags.wait) return ExitCode.SUCCEEDED;
      return waitAndReport(client, workflowId, flags, description.runId);
    });
  });
}
