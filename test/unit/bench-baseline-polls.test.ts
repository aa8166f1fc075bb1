// The names of `npm run bench`'s job-wait baselines (scripts/bench/baseline-polls.ts, BENCH_JOB_POLL).
import assert from 'node:assert/strict';
import { BaselinePolls, parseBaselinePolls } from '../../scripts/bench/baseline-polls';

describe('BENCH_JOB_POLL', () => {
  it('accepts backoff and fixed:<seconds> (at least 0.5), and nothing else', () => {
    assert.deepEqual(parseBaselinePolls('backoff'), new BaselinePolls());
    assert.deepEqual(parseBaselinePolls('fixed:3'), new BaselinePolls(3000));
    assert.deepEqual(parseBaselinePolls('fixed:0.5'), new BaselinePolls(500));
    for (const bad of ['adaptive', 'fixed', 'fixed:0.1', 'fixed:x', 'fast', ''])
      assert.equal(parseBaselinePolls(bad), undefined, bad);
  });
});
