// drsPlan's `preemptDrills`: taken for plans with a recovery wave, in drsRecovery's shape, and
// refused (naming the field and the rule) anywhere else, before any DRS call.
import { strict as assert } from 'node:assert';
import { InvalidInputError } from '../../common/inputs';
import { parsePlanInput } from '../../common/inputs-plan';

const A = 's-aaaaaaaaaaaaaaaaa';
const B = 's-bbbbbbbbbbbbbbbbb';

function problems(raw: unknown): string[] {
  try {
    parsePlanInput(raw);
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems;
    throw err;
  }
  assert.fail('input was accepted');
}

const withRecovery = {
  region: 'us-east-1',
  confirm: true,
  waves: [
    { name: 'db', sourceServerIds: [A], action: 'recovery' },
    { name: 'web', sourceServerIds: [B] },
  ],
};

describe('drsPlan preemptDrills input', () => {
  it('takes { afterSeconds } within a day when a wave is a recovery', () => {
    assert.deepEqual(
      parsePlanInput({ ...withRecovery, preemptDrills: { afterSeconds: 300 } }).preemptDrills,
      {
        afterSeconds: 300,
      },
    );
    assert.equal(parsePlanInput(withRecovery).preemptDrills, undefined, 'off by default');
  });

  it('refuses a bad shape or value, naming the field', () => {
    for (const preemptDrills of [{ afterSeconds: -1 }, { afterSeconds: 2 * 86_400 }, { after: 60 }, true])
      assert.ok(
        problems({ ...withRecovery, preemptDrills }).some((p) => p.startsWith('preemptDrills')),
        JSON.stringify(preemptDrills),
      );
  });

  it('refuses it on a plan with no recovery wave', () => {
    const drillsOnly = { region: 'us-east-1', waves: [{ name: 'web', sourceServerIds: [B] }] };
    assert.deepEqual(problems({ ...drillsOnly, preemptDrills: { afterSeconds: 300 } }), [
      'preemptDrills: applies to recovery waves only, and no wave is a recovery',
    ]);
  });

  it("refuses it in a drill wave's options, and takes it in a recovery wave's", () => {
    const perWave = (action: string) => ({
      region: 'us-east-1',
      confirm: true,
      waves: [{ name: 'db', sourceServerIds: [A], action, options: { preemptDrills: { afterSeconds: 60 } } }],
    });
    assert.ok(problems(perWave('drill')).some((p) => p.startsWith('waves.0.options')));
    assert.deepEqual(parsePlanInput(perWave('recovery')).waves[0].options, {
      preemptDrills: { afterSeconds: 60 },
    });
  });
});
