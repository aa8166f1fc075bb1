// drsctl's duration flags (--every, --jitter, --poll-interval, --connect-timeout): the Temporal
// SDK's duration strings, parts written together, and a clear refusal naming the flag.
import { strict as assert } from 'node:assert';
import { BadInputError } from '../../client/errors';
import { parseDuration } from '../../client/durations';

describe('drsctl durations', () => {
  it('reads the formats docs/cli.md shows, and the SDK’s own (ms, fractions)', () => {
    assert.equal(parseDuration('7d', '--every'), 7 * 86_400_000);
    assert.equal(parseDuration('12h', '--every'), 12 * 3_600_000);
    assert.equal(parseDuration('1h30m', '--every'), 90 * 60_000);
    assert.equal(parseDuration('1d12h', '--every'), 36 * 3_600_000);
    assert.equal(parseDuration('90s', '--jitter'), 90_000);
    assert.equal(parseDuration('500ms', '--poll-interval'), 500);
    assert.equal(parseDuration('1.5h', '--every'), 90 * 60_000);
  });

  it('refuses junk, a bare number and zero, naming the flag', () => {
    for (const text of ['a bit', '', '5', '1h 30m', '-5m', '1d12']) {
      assert.throws(
        () => parseDuration(text, '--jitter'),
        (err: unknown) => {
          return (
            err instanceof BadInputError && err.message.startsWith(`--jitter: "${text}" is not a duration`)
          );
        },
      );
    }
    assert.throws(() => parseDuration('0s', '--every'), /--every: must be longer than 0/);
  });
});
