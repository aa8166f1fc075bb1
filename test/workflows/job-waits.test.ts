// Waits on DRS jobs (activities/job-poll-policy.ts) on the time-skipping server against the emulator:
// times come from the job's own record whatever the poll interval, the wait asks rarely while the
// log shows snapshot or conversion and every tick once a server is launching, and jobs waited on
// in one worker process share each tick's DescribeJobs call.
import { strict as assert } from 'node:assert';
import { DescribeJobsCommand } from '@aws-sdk/client-drs';
import type { AuditEntry } from '../../emulator';
import { BaselinePolls } from '../../scripts/bench/baseline-polls';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

/** Seconds between the emulator-clock times of consecutive entries. */
function gaps(entries: AuditEntry[]): number[] {
  const times = entries.map((e) => Date.parse(e.time));
  return times.slice(1).map((t, i) => (t - times[i]) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** DescribeJobs calls whose jobIDs filter names `jobId`. */
async function pollsOf(h: DrillHarness, jobId: string): Promise<AuditEntry[]> {
  return (await h.executed('DescribeJobs')).filter((e) =>
    ((e.request as { filters?: { jobIDs?: string[] } }).filters?.jobIDs ?? []).includes(jobId),
  );
}

describe('job waits: DRS record times, phase-aware and batched polls (time-skipping, emulator)', function () {
  this.timeout(180_000);

  describe('polling once a minute', () => {
    let h: DrillHarness;
    useDrillHarness((harness) => (h = harness), { jobPolls: new BaselinePolls(60_000) });

    it('measures time to launch and each step from the job log, not from when a poll looked', async () => {
      const [server] = await h.healthyServers(1);
      const handle = await h.startDrill({ sourceServerIds: [server], region: REGION });
      const { report, error } = await h.outcome(handle);
      assert.ifError(error);
      assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
      const { items: jobs = [] } = await h.drsClient.send(
        new DescribeJobsCommand({ filters: { jobIDs: [report.launchJobId ?? ''] } }),
      );
      const job = jobs[0];
      const exact = (Date.parse(job?.endDateTime ?? '') - Date.parse(job?.creationDateTime ?? '')) / 1000;
      const row = report.servers[0];
      assert.equal(
        row.timeToLaunchSeconds,
        Math.round(exact),
        'time to launch = the job’s creation to its end',
      );
      // a poll once a minute notices the end up to a minute late; the launching phase still ends
      // when DRS says the server launched (the wait after that counts as booting)
      assert.ok(
        Math.abs((report.phaseDurations.launching ?? 0) - exact) <= 1,
        `launching ${report.phaseDurations.launching}s, DRS's record ${exact}s`,
      );
      assert.equal(report.jobTimes?.launch?.createdAt, job?.creationDateTime);
      // the timeline keeps tenths of a second
      assert.ok(
        Math.abs(Date.parse(report.jobTimes?.launch?.endedAt ?? '') - Date.parse(job?.endDateTime ?? '')) <=
          100,
      );
      const steps = row.steps;
      assert.ok(
        steps?.snapshot?.seconds !== undefined && steps.conversion?.seconds !== undefined,
        'steps measured',
      );
      assert.ok(
        steps.launch?.startedAt &&
          Date.parse(steps.launch.startedAt) > Date.parse(steps.conversion.startedAt),
      );
      assert.ok(report.jobTimes?.terminate?.seconds !== undefined, 'the terminate job’s own time');
    });
  });

  describe('adaptive (the default)', () => {
    let h: DrillHarness;
    useDrillHarness((harness) => (h = harness));

    it('asks rarely while the job converts and every 2 s once the server is launching', async () => {
      await h.emulator.control.setConfig({ durations: 'realistic', timeScale: 1 });
      const [server] = await h.healthyServers(1);
      const handle = await h.startDrill({
        sourceServerIds: [server],
        region: REGION,
        launchTimeoutSeconds: 7200,
      });
      const { report, error } = await h.outcome(handle);
      assert.ifError(error);
      assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
      const launchStart = Date.parse(report.servers[0].steps?.launch?.startedAt ?? '');
      const launchEnd = Date.parse(report.jobTimes?.launch?.endedAt ?? '');
      const polls = await pollsOf(h, report.launchJobId ?? '');
      const before = polls.filter((e) => Date.parse(e.time) < launchStart);
      const during = polls.filter((e) => Date.parse(e.time) > launchStart + 20_000);
      const firstAfterEnd = polls.find((e) => Date.parse(e.time) >= launchEnd);
      console.log(
        `      ${before.length} polls in ${Math.round((launchStart - Date.parse(report.jobTimes?.launch?.createdAt ?? '')) / 1000)} s before the launch step, ` +
          `${during.length} in its last ${Math.round((launchEnd - launchStart) / 1000 - 20)} s; end noticed after ${(Date.parse(firstAfterEnd?.time ?? '') - launchEnd) / 1000} s`,
      );
      // (the harness gives job waits the test server's clock: see serverClock in drill-harness.ts)
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      assert.ok(mean(gaps(before)) >= 10, `polls before the launch step every ${mean(gaps(before))} s`);
      // every 2-s tick: not slower, and not more often (0 s would pass an upper bound alone)
      const launchGap = median(gaps(during));
      assert.ok(launchGap >= 1.5 && launchGap <= 2.5, `polls in the launch step every ${launchGap} s`);
      // (within two ticks: the suite runs two files at once on 2 cores; the bench measures the delay)
      assert.ok(
        firstAfterEnd && Date.parse(firstAfterEnd.time) - launchEnd <= 4500,
        'the end seen within two ticks',
      );
      // a far tick reads the log or the job, both only when the job's record is a minute old
      // (calls of either kind within a second are one tick)
      const logReads = (await h.executed('DescribeJobLogItems')).filter(
        (e) => (e.request as { jobID?: string }).jobID === report.launchJobId,
      );
      const farCalls = [...before, ...logReads.filter((e) => Date.parse(e.time) < launchStart)]
        .map((e) => Date.parse(e.time))
        .sort((a, b) => a - b);
      const farTicks = farCalls.filter((t, i) => i === 0 || t - farCalls[i - 1] > 1000).length;
      console.log(`      before the launch step: ${farCalls.length} calls in ${farTicks} ticks`);
      assert.ok(farCalls.length <= farTicks * 1.25, `${farCalls.length} calls in ${farTicks} far ticks`);

      // The next drill's launch step is predicted from this one's (DRS's record): quiet for 80% of
      // the shortest seen, then every tick.
      const [other] = await h.healthyServers(1);
      const next = await h.outcome(
        await h.startDrill({ sourceServerIds: [other], region: REGION, launchTimeoutSeconds: 7200 }),
      );
      assert.equal(next.report?.outcome, 'SUCCEEDED', next.report?.summary);
      const nextStart = Date.parse(next.report.servers[0].steps?.launch?.startedAt ?? '');
      const nextEnd = Date.parse(next.report.jobTimes?.launch?.endedAt ?? '');
      const nextPolls = (await pollsOf(h, next.report.launchJobId ?? '')).filter(
        (e) => Date.parse(e.time) > nextStart,
      );
      const firstLaunchPolls = polls.filter((e) => Date.parse(e.time) > launchStart).length;
      const noticed = nextPolls.find((e) => Date.parse(e.time) >= nextEnd);
      console.log(
        `      next drill: ${nextPolls.length} polls in its ${Math.round((nextEnd - nextStart) / 1000)} s launch step (first: ${firstLaunchPolls}), end noticed after ${(Date.parse(noticed?.time ?? '') - nextEnd) / 1000} s`,
      );
      assert.ok(nextPolls.length < firstLaunchPolls / 2, 'the predicted quiet part is not polled every tick');
      const logReadsOf = async (jobId: string) =>
        (await h.executed('DescribeJobLogItems')).filter(
          (e) => (e.request as { jobID?: string }).jobID === jobId,
        ).length;
      const [firstReads, nextReads] = [
        await logReadsOf(report.launchJobId ?? ''),
        await logReadsOf(next.report.launchJobId ?? ''),
      ];
      console.log(`      job log reads: ${firstReads} for the first drill, ${nextReads} for the next`);
      assert.ok(nextReads < firstReads, 'the next drill reads its log only once it could be launching');
      assert.ok(noticed && Date.parse(noticed.time) - nextEnd <= 20_000, 'the end still seen soon');
    });

    it('first looks at a job the drill just created on the first tick, not right after creating it', async () => {
      const [server] = await h.healthyServers(1);
      const { report, error } = await h.outcome(
        await h.startDrill({ sourceServerIds: [server], region: REGION }),
      );
      assert.ifError(error);
      assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
      const created = async (operation: string) => Date.parse((await h.executed(operation))[0]?.time ?? '');
      for (const [jobId, createdAt] of [
        [report.launchJobId ?? '', await created('StartRecovery')],
        [report.terminateJobId ?? '', await created('TerminateRecoveryInstances')],
      ] as const) {
        const [first] = await pollsOf(h, jobId);
        const afterMs = Date.parse(first?.time ?? '') - createdAt;
        // the create call said PENDING; a tick is never set closer than 300 ms
        assert.ok(afterMs >= 300, `job ${jobId} first polled ${afterMs} ms after it was created`);
      }
    });

    it('polls every job waited on in the process with one DescribeJobs per tick', async () => {
      const servers = await h.healthyServers(3);
      const handles = [];
      for (const id of servers) handles.push(await h.startDrill({ sourceServerIds: [id], region: REGION }));
      const reports = [];
      for (const handle of handles) reports.push((await h.outcome(handle)).report);
      assert.deepEqual(
        reports.map((r) => r?.outcome),
        ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'],
      );
      // the job waits' calls (preflight's listings of every job have no jobIDs filter)
      const idsPerCall = (await h.executed('DescribeJobs'))
        .map((e) => (e.request as { filters?: { jobIDs?: string[] } }).filters?.jobIDs?.length ?? 0)
        .filter((n) => n > 0);
      const calls = idsPerCall;
      const waits = idsPerCall.reduce((a, b) => a + b, 0);
      console.log(
        `      ${waits} job polls in ${calls.length} DescribeJobs calls (at most ${Math.max(...idsPerCall)} jobs in one)`,
      );
      assert.ok(Math.max(...idsPerCall) >= 2, 'jobs of different runs were read by one call');
      assert.ok(calls.length < waits, 'fewer calls than job polls');
    });
  });
});
