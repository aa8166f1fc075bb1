// `drsctl schedule create <operation> | list | describe | pause | unpause | trigger | delete`.
import { Command, Option } from 'commander';
import type { ScheduleDescription, ScheduleSummary } from '@temporalio/client';
import { buildInput } from '../input';
import { OPERATIONS, type Operation } from '../operations';
import { OVERLAP_POLICIES, validateTiming, type OverlapPolicy, type ScheduleTiming } from '../schedules';
import { collect, withClient } from './common';
import { addInputOptions } from './run';

interface CreateFlags {
  scheduleId: string;
  cron?: string[];
  every?: string;
  timeZone?: string;
  jitter?: string;
  overlap: OverlapPolicy;
  note?: string;
  paused?: boolean;
}

function createCommand(operation: Operation): Command {
  const command = new Command(operation.name).description(`schedule ${operation.workflowType} runs`);
  command
    .requiredOption('--schedule-id <id>', 'schedule id; runs are named <id>-<scheduled time>')
    .option('--cron <expression>', 'cron expression, e.g. "0 3 * * MON" (repeatable)', collect)
    .option('--every <duration>', 'fixed interval, e.g. 7d, 12h, 1h30m')
    .option('--time-zone <zone>', 'IANA time zone for --cron, e.g. Europe/Berlin (default UTC)')
    .option('--jitter <duration>', 'random delay added to each run, e.g. 10m')
    .addOption(
      new Option('--overlap <policy>', 'when the previous run is still open')
        .choices(OVERLAP_POLICIES)
        .default('SKIP'),
    )
    .option('--note <text>', 'note shown with the schedule')
    .option('--paused', 'create it paused');
  const readInput = addInputOptions(command, operation);
  return command.action(async (_opts, cmd: Command) => {
    const flags = cmd.opts<CreateFlags>();
    // everything is checked before connecting: bad input creates nothing (exit 2)
    const { input } = buildInput(operation, readInput(cmd));
    const timing: ScheduleTiming = {
      cron: flags.cron,
      every: flags.every,
      timeZone: flags.timeZone,
      jitter: flags.jitter,
      overlap: flags.overlap,
      note: flags.note,
      paused: flags.paused,
    };
    validateTiming(timing);
    await withClient(cmd, (client) => client.schedules.create(flags.scheduleId, operation, input, timing));
    console.log(`created schedule ${flags.scheduleId}`);
  });
}

type Calendar = NonNullable<NonNullable<ScheduleSummary['spec']>['calendars']>[number];

/** `hour=3 minute=0 dayOfWeek=MONDAY`: only the fields that are not "every". */
function describeCalendar(c: Calendar): string {
  const fields = Object.entries(c)
    .filter(([k, v]) => k !== 'comment' && Array.isArray(v) && v.length)
    .map(
      ([k, v]) =>
        `${k}=${(v as { start: number; end?: number }[]).map((r) => (r.end !== undefined && r.end !== r.start ? `${r.start}-${r.end}` : String(r.start))).join(',')}`,
    );
  return fields.join(' ') || 'every minute';
}

function describeSpec(spec: ScheduleSummary['spec']): string {
  const parts: string[] = [];
  for (const i of spec?.intervals ?? []) parts.push(`every ${Number(i.every) / 1000}s`);
  // the server stores cron expressions as calendars
  for (const c of spec?.calendars ?? []) parts.push(`calendar ${describeCalendar(c)}`);
  if (spec?.timezone) parts.push(`tz ${spec.timezone}`);
  return parts.join(', ') || '-';
}

function printDescription(id: string, d: ScheduleDescription): void {
  const action = d.action.type === 'startWorkflow' ? d.action.workflowType : d.action.type;
  console.log(
    `schedule ${id}: ${action}, ${describeSpec(d.spec)}${d.spec.jitter ? `, jitter ${d.spec.jitter / 1000}s` : ''}`,
  );
  console.log(
    `  overlap ${d.policies.overlap}, ${d.state.paused ? 'PAUSED' : 'active'}${d.state.note ? ` (${d.state.note})` : ''}`,
  );
  console.log(`  next: ${d.info.nextActionTimes.map((t) => t.toISOString()).join(', ') || '-'}`);
  for (const a of d.info.recentActions) {
    const run = a.action.type === 'startWorkflow' ? a.action.workflow.workflowId : '';
    console.log(`  ran ${a.takenAt.toISOString()}: ${run}`);
  }
  for (const w of d.info.runningActions) console.log(`  running: ${w.workflow.workflowId}`);
}

export function scheduleCommand(): Command {
  const schedule = new Command('schedule').description(
    'recurring drills and other operations (Temporal Schedules)',
  );
  const create = new Command('create').description('create a schedule for an operation');
  for (const op of OPERATIONS) create.addCommand(createCommand(op));
  schedule.addCommand(create);

  schedule
    .command('list')
    .description('list schedules')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const all = await withClient(cmd, (client) => client.schedules.list());
      if (opts.json) {
        console.log(
          JSON.stringify(
            all.map((s) => ({
              scheduleId: s.scheduleId,
              paused: s.state.paused,
              note: s.state.note,
              spec: s.spec,
              workflowType: s.action?.type === 'startWorkflow' ? s.action.workflowType : undefined,
              nextActionTimes: s.info.nextActionTimes,
            })),
            null,
            2,
          ),
        );
        return;
      }
      for (const s of all) {
        const type = s.action?.type === 'startWorkflow' ? s.action.workflowType : '-';
        console.log(
          `${s.scheduleId}\t${type}\t${s.state.paused ? 'PAUSED' : 'active'}\t${describeSpec(s.spec)}`,
        );
      }
    });

  schedule
    .command('describe')
    .description('show a schedule: timing, policy, state, recent and next runs')
    .argument('<schedule-id>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const d = await withClient(cmd, (client) => client.schedules.describe(id));
      if (opts.json)
        console.log(
          JSON.stringify(
            {
              scheduleId: id,
              spec: d.spec,
              action: d.action,
              policies: d.policies,
              state: d.state,
              info: d.info,
            },
            null,
            2,
          ),
        );
      else printDescription(id, d);
    });

  for (const [name, verb] of [
    ['pause', 'paused'],
    ['unpause', 'unpaused'],
  ] as const) {
    schedule
      .command(name)
      .description(`${name} a schedule`)
      .argument('<schedule-id>')
      .option('--note <text>', 'why, shown with the schedule')
      .action(async (id: string, opts: { note?: string }, cmd: Command) => {
        await withClient(cmd, (client) => client.schedules[name](id, opts.note));
        console.log(`${verb} schedule ${id}`);
      });
  }

  schedule
    .command('trigger')
    .description("run the schedule's action now")
    .argument('<schedule-id>')
    .addOption(
      new Option('--overlap <policy>', "override the schedule's overlap policy for this run").choices(
        OVERLAP_POLICIES,
      ),
    )
    .action(async (id: string, opts: { overlap?: OverlapPolicy }, cmd: Command) => {
      await withClient(cmd, (client) => client.schedules.trigger(id, opts.overlap));
      console.log(`triggered schedule ${id}`);
    });

  schedule
    .command('delete')
    .description('delete a schedule (runs already started go on)')
    .argument('<schedule-id>')
    .action(async (id: string, _opts, cmd: Command) => {
      await withClient(cmd, (client) => client.schedules.delete(id));
      console.log(`deleted schedule ${id}`);
    });
  return schedule;
}
