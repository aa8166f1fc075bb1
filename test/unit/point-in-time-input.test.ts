// `pointInTime` input rules (drsDrill, drsRecovery, drsPlan wave options): one of an ISO-8601 UTC
// time or seconds back, never in the future, never beside recoverySnapshotIds; and the cutoff sent
// to DescribeRecoverySnapshots.
import { strict as assert } from 'node:assert';
import { InvalidInputError, parseDrillInput } from '../../common/inputs';
import { parseRecoveryInput } from '../../common/inputs-lifecycle';
import { parsePlanInput } from '../../common/inputs-plan';
import { cutoffOf } from '../../common/point-in-time';

const A = 's-aaaaaaaaaaaaaaaaa';
const base = { sourceServerIds: [A], region: 'us-east-1' };

function problems(parse: (raw: unknown) => unknown, raw: unknown): string[] {
  try {
    parse(raw);
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems;
    throw err;
  }
  return assert.fail('accepted bad input');
}

describe('pointInTime input', () => {
  it('takes an ISO-8601 UTC time or a number of seconds back, and is optional', () => {
    assert.equal(parseDrillInput(base).pointInTime, undefined);
    assert.deepEqual(
      parseDrillInput({ ...base, pointInTime: { atOrBefore: '2026-01-31T22:00:00Z' } }).pointInTime,
      {
        atOrBefore: '2026-01-31T22:00:00Z',
      },
    );
    assert.deepEqual(parseRecoveryInput({ ...base, pointInTime: { secondsAgo: 3600 } }).pointInTime, {
      secondsAgo: 3600,
    });
  });

  it('names the field and the rule for each bad value', () => {
    const cases: [unknown, RegExp][] = [
      [{ atOrBefore: '31/01/2026 22:00' }, /^pointInTime\.atOrBefore: must be an ISO-8601 UTC time/],
      [{ atOrBefore: '2026-01-31T22:00:00+01:00' }, /^pointInTime\.atOrBefore: must be an ISO-8601 UTC time/],
      [{ atOrBefore: '2999-01-01T00:00:00Z' }, /^pointInTime\.atOrBefore: must not be in the future$/],
      [{ secondsAgo: 0 }, /^pointInTime\.secondsAgo: /],
      [{ secondsAgo: 1.5 }, /^pointInTime\.secondsAgo: /],
      [{}, /^pointInTime: give exactly one of atOrBefore or secondsAgo$/],
      [{ atOrBefore: '2026-01-31T22:00:00Z', secondsAgo: 60 }, /^pointInTime: give exactly one/],
      ['2026-01-31T22:00:00Z', /^pointInTime: /],
    ];
    for (const [pointInTime, rule] of cases) {
      for (const parse of [parseDrillInput, parseRecoveryInput]) {
        const found = problems(parse, { ...base, pointInTime });
        assert.ok(
          found.some((p) => rule.test(p)),
          `${JSON.stringify(pointInTime)}: ${found.join('; ')}`,
        );
      }
    }
  });

  it('refuses pointInTime together with recoverySnapshotIds', () => {
    const input = {
      ...base,
      pointInTime: { secondsAgo: 60 },
      recoverySnapshotIds: { [A]: 'pit-aaaaaaaaaaaaaaaaa' },
    };
    for (const parse of [parseDrillInput, parseRecoveryInput])
      assert.deepEqual(problems(parse, input), [
        'pointInTime: cannot be combined with recoverySnapshotIds (it chooses every server’s snapshot)',
      ]);
  });

  it('passes through drsPlan wave options, checked with the child schema', () => {
    const ok = parsePlanInput({
      region: 'us-east-1',
      waves: [{ name: 'a', sourceServerIds: [A], options: { pointInTime: { secondsAgo: 3600 } } }],
    });
    assert.deepEqual(ok.waves[0].options, { pointInTime: { secondsAgo: 3600 } });
    const found = problems(parsePlanInput, {
      region: 'us-east-1',
      waves: [{ name: 'a', sourceServerIds: [A], options: { pointInTime: { atOrBefore: 'noon' } } }],
    });
    assert.ok(
      found.some((p) => /waves\.0\.options: pointInTime\.atOrBefore: must be an ISO-8601/.test(p)),
      found.join('; '),
    );
  });

  it('turns secondsAgo into a UTC cutoff from the given now; keeps atOrBefore as given', () => {
    const now = Date.parse('2026-02-01T12:00:00Z');
    assert.equal(cutoffOf({ secondsAgo: 5400 }, now), '2026-02-01T10:30:00.000Z');
    assert.equal(cutoffOf({ atOrBefore: '2026-01-31T22:00:00Z' }, now), '2026-01-31T22:00:00Z');
  });
});
