// drsctl's progress line and bar for `--wait`: drills by phase and server, failback and
// replication by each server's result, plans by wave.
import { strict as assert } from 'node:assert';
import type { Progress } from '../../client/lib';
import { describeProgress, progressFraction } from '../../client/progress';
import type { PlanChildReport, PlanWaveReport } from '../../common/types-plan';

function wave(name: string, status: PlanWaveReport['status'], outcomes: PlanChildReport['outcome'][] = []) {
  const children = outcomes.map((outcome, i) => ({
    workflowId: `plan-${name}-${i}`,
    workflowType: 'drsDrill' as const,
    sourceServerIds: [],
    outcome,
  }));
  return { name, action: 'drill' as const, status, dependsOn: [], sourceServerIds: [], children };
}

describe('drsctl progress', () => {
  it('a drill: phase, job and each server; the bar follows the phases', () => {
    const p: Progress = {
      operation: 'drill',
      phase: 'launching',
      launchJobId: 'drsjob-1',
      launchJobStatus: 'STARTED',
      servers: [
        { sourceServerId: 's-a', launchStatus: 'LAUNCHED' },
        { sourceServerId: 's-b', launchStatus: 'IN_PROGRESS' },
      ],
      phaseDurations: {},
      approved: false,
    };
    assert.equal(describeProgress(p), 'phase=launching job=drsjob-1(STARTED) s-a:LAUNCHED s-b:IN_PROGRESS');
    const fraction = progressFraction(p);
    assert.ok(fraction > progressFraction({ ...p, phase: 'preflight' }) && fraction < 1);
  });

  it('a failback: each instance with its result; settled results fill the bar', () => {
    const instance = (sourceServerId: string, result: 'LAUNCHED' | 'PENDING') => ({
      sourceServerId,
      recoveryInstanceId: `i-${sourceServerId}`,
      result,
      errors: [],
    });
    const p: Progress = {
      operation: 'failback',
      phase: 'launching',
      servers: [instance('s-a', 'LAUNCHED'), instance('s-b', 'PENDING')],
    };
    assert.equal(describeProgress(p), 'phase=launching s-a:LAUNCHED s-b:PENDING');
    const bothLaunched = { ...p, servers: [instance('s-a', 'LAUNCHED'), instance('s-b', 'LAUNCHED')] };
    assert.ok(progressFraction(bothLaunched) > progressFraction(p));
  });

  it('a drill waiting for capacity: its place in the queue and what is in use', () => {
    const p: Progress = {
      operation: 'drill',
      phase: 'waiting-for-capacity',
      capacity: {
        purpose: 'drill launch of 1 server(s)',
        position: 3,
        jobsInUse: 20,
        serversInUse: 480,
        since: '2026-12-01T06:00:00.000Z',
      },
      servers: [{ sourceServerId: 's-a', launchStatus: 'NOT_LAUNCHED' }],
      phaseDurations: {},
      approved: false,
    };
    assert.equal(
      describeProgress(p),
      'phase=waiting-for-capacity queue: place 3 (drill launch of 1 server(s); 20 jobs, 480 servers in use) s-a:NOT_LAUNCHED',
    );
    assert.ok(progressFraction(p) < progressFraction({ ...p, phase: 'launching', capacity: undefined }));
  });

  it('a plan: each wave with its children, the gate waiting for approve; the bar counts settled waves', () => {
    const p: Progress = {
      operation: 'plan',
      phase: 'running-waves',
      waves: [
        wave('db', 'SUCCEEDED', ['SUCCEEDED']),
        wave('app', 'RUNNING', ['SUCCEEDED', undefined, undefined]),
        wave('web', 'AWAITING_APPROVAL'),
        wave('batch', 'SKIPPED'),
      ],
      awaitingApproval: ['web'],
    };
    assert.equal(
      describeProgress(p),
      'phase=running-waves db:SUCCEEDED app:RUNNING(1/3 children done) web:AWAITING_APPROVAL batch:SKIPPED awaiting approve: web',
    );
    assert.equal(progressFraction(p), 0.5);
  });
});
