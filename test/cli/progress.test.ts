// drsctl's progress line and bar for `--wait`: drills by phase and server, plans by wave.
import { strict as assert } from 'node:assert';
import { describeProgress, progressFraction } from '../../client/progress';

describe('drsctl progress', () => {
  it('a drill: phase, job and each server; the bar follows the phases', () => {
    const p = {
      phase: 'launching',
      launchJobId: 'drsjob-1',
      launchJobStatus: 'STARTED',
      servers: [
        { sourceServerId: 's-a', launchStatus: 'LAUNCHED' },
        { sourceServerId: 's-b', launchStatus: 'IN_PROGRESS' },
      ],
    };
    assert.equal(describeProgress(p), 'phase=launching job=drsjob-1(STARTED) s-a:LAUNCHED s-b:IN_PROGRESS');
    const fraction = progressFraction(p);
    assert.ok(fraction > progressFraction({ ...p, phase: 'preflight' }) && fraction < 1);
  });

  it('a drill waiting for capacity: its place in the queue and what is in use', () => {
    const p = {
      phase: 'waiting-for-capacity',
      capacity: {
        purpose: 'drill launch of 1 server(s)',
        position: 3,
        jobsInUse: 20,
        serversInUse: 480,
        since: '2026-12-01T06:00:00.000Z',
      },
      servers: [{ sourceServerId: 's-a', launchStatus: 'NOT_LAUNCHED' }],
    };
    assert.equal(
      describeProgress(p),
      'phase=waiting-for-capacity queue: place 3 (drill launch of 1 server(s); 20 jobs, 480 servers in use) s-a:NOT_LAUNCHED',
    );
    assert.ok(progressFraction(p) < progressFraction({ ...p, phase: 'launching', capacity: undefined }));
  });

  it('a plan: each wave with its children, the gate waiting for approve; the bar counts settled waves', () => {
    const p = {
      phase: 'running-waves',
      waves: [
        { name: 'db', status: 'SUCCEEDED', children: [{ outcome: 'SUCCEEDED' }] },
        { name: 'app', status: 'RUNNING', children: [{ outcome: 'SUCCEEDED' }, {}, {}] },
        { name: 'web', status: 'AWAITING_APPROVAL', children: [] },
        { name: 'batch', status: 'SKIPPED' },
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
