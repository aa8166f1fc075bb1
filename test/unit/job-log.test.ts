// A job's timeline from its own log (common/job-log.ts).
import assert from 'node:assert/strict';
import { jobTimeline, jobTimes, lastLaunchStart, nearTheEnd, serverStepTimes } from '../../common/job-log';

const CREATED = '2026-12-01T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(CREATED) + seconds * 1000).toISOString();
const line = (seconds: number, event: string, sourceServerID?: string) => ({
  logDateTime: at(seconds),
  event,
  ...(sourceServerID ? { eventData: { sourceServerID } } : {}),
});

describe('job timeline from DRS job log', () => {
  const running = [
    line(20, 'JOB_START'),
    line(21, 'SNAPSHOT_START', 's-a'),
    line(21.5, 'SNAPSHOT_START', 's-b'),
    line(80, 'SNAPSHOT_END', 's-a'),
    line(80, 'CONVERSION_START', 's-a'),
    line(90, 'USING_PREVIOUS_SNAPSHOT', 's-b'),
    line(90, 'CONVERSION_START', 's-b'),
    line(400, 'CONVERSION_END', 's-a'),
    line(400, 'LAUNCH_START', 's-a'),
  ];

  it('gives each server its step and spans in seconds since the job was created', () => {
    // DRS pages the log oldest first, but the timeline must not depend on it
    const t = jobTimeline(CREATED, ['s-a', 's-b'], [...running].reverse());
    assert.equal(t.startedAfter, 20);
    assert.equal(t.endedAfter, undefined);
    assert.deepEqual(t.servers, [
      { sourceServerId: 's-a', step: 'launch', snapshot: [21, 80], conversion: [80, 400], launch: [400] },
      { sourceServerId: 's-b', step: 'conversion', snapshot: [21.5, 90], conversion: [90] },
    ]);
    assert.equal(nearTheEnd(t), false, 's-b still converts: the job ends with its slowest server');
    assert.equal(nearTheEnd(jobTimeline(CREATED, ['s-a'], running)), true, 'every server launching');
    assert.equal(lastLaunchStart(t), undefined);
    const bothLaunching = jobTimeline(
      CREATED,
      ['s-a', 's-b'],
      [...running, line(410, 'LAUNCH_START', 's-b')],
    );
    assert.equal(lastLaunchStart(bothLaunching), 410);
    assert.equal(nearTheEnd(bothLaunching), true);
  });

  it('ends a launched server at the job end and a failed one at its LAUNCH_FAILED line', () => {
    const done = [
      ...running,
      line(410, 'CONVERSION_END', 's-b'),
      line(410, 'LAUNCH_START', 's-b'),
      line(470, 'LAUNCH_FAILED', 's-b'),
      line(530, 'JOB_END'),
    ];
    const t = jobTimeline(CREATED, ['s-a', 's-b'], done, at(530));
    assert.deepEqual(t.servers[0].launch, [400, 530]);
    assert.deepEqual(t.servers[1].launch, [410, 470]);
    assert.ok(t.servers.every((s) => s.step === 'ended'));
    assert.deepEqual(serverStepTimes(t, t.servers[0]), {
      snapshot: { startedAt: at(21), endedAt: at(80), seconds: 59 },
      conversion: { startedAt: at(80), endedAt: at(400), seconds: 320 },
      launch: { startedAt: at(400), endedAt: at(530), seconds: 130 },
    });
    assert.deepEqual(jobTimes('drsjob-1', t), {
      jobId: 'drsjob-1',
      createdAt: CREATED,
      startedAt: at(20),
      endedAt: at(530),
      seconds: 530,
    });
  });

  it('takes the end from endDateTime when the log has no JOB_END yet', () => {
    const t = jobTimeline(CREATED, ['s-a'], running, at(600));
    assert.equal(t.endedAfter, 600);
    assert.deepEqual(t.servers[0].launch, [400, 600]);
  });
});
