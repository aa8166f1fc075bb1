// The forms of the worker setting DRS_JOB_POLL (common/job-poll.ts).
import assert from 'node:assert/strict';
import { parseJobPollPolicy } from '../../common/job-poll';

describe('DRS_JOB_POLL', () => {
  it('accepts adaptive, backoff and fixed:<seconds>, and nothing else', () => {
    assert.equal(parseJobPollPolicy('adaptive')?.kind, 'adaptive');
    assert.deepEqual(parseJobPollPolicy('backoff'), { kind: 'backoff' });
    assert.deepEqual(parseJobPollPolicy('fixed:3'), { kind: 'fixed', intervalMs: 3000 });
    for (const bad of ['fixed', 'fixed:0.1', 'fixed:x', 'fast', ''])
      assert.equal(parseJobPollPolicy(bad), undefined, bad);
  });
});
