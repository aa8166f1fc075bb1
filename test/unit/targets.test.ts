// Recovery-time targets: input rules of drsDrill, drsRecovery and drsPlan (each refusal naming its
// field), which level wins, and the verdict per server and per report.
import { strict as assert } from 'node:assert';
import { InvalidInputError, parseDrillInput } from '../../common/inputs';
import { parseRecoveryInput } from '../../common/inputs-lifecycle';
import { parsePlanInput } from '../../common/inputs-plan';
import { applyTargets, evaluateTargets, mergeTargets, type TargetResults } from '../../common/targets';

const A = 's-aaaaaaaaaaaaaaaaa';
const B = 's-bbbbbbbbbbbbbbbbb';
const C = 's-ccccccccccccccccc';

function problems(parse: (raw: unknown) => unknown, raw: unknown): string[] {
  try {
    parse(raw);
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems;
    throw err;
  }
  assert.fail('input was accepted');
}

describe('recovery-time targets', () => {
  describe('input', () => {
    it('drsDrill and drsRecovery take targets and per-server targets', () => {
      const drill = parseDrillInput({
        sourceServerIds: [A, B],
        region: 'us-east-1',
        targets: { rtoSeconds: 900, rpoSeconds: 300 },
        serverTargets: { [B]: { rtoSeconds: 1800 } },
      });
      assert.deepEqual(drill.targets, { rtoSeconds: 900, rpoSeconds: 300 });
      assert.deepEqual(drill.serverTargets, { [B]: { rtoSeconds: 1800 } });
      const recovery = parseRecoveryInput({
        sourceServerIds: [A],
        region: 'us-east-1',
        targets: { rpoSeconds: 60 },
      });
      assert.deepEqual(recovery.targets, { rpoSeconds: 60 });
    });

    it('refuses targets that are not positive whole seconds, empty targets and unknown fields', () => {
      assert.deepEqual(
        problems(parseDrillInput, {
          sourceServerIds: [A],
          region: 'us-east-1',
          targets: { rtoSeconds: 0, rpoSeconds: 1.5 },
          serverTargets: { [A]: {} },
        }),
        [
          'targets.rtoSeconds: Too small: expected number to be >0',
          'targets.rpoSeconds: Invalid input: expected int, received number',
          `serverTargets.${A}: set rtoSeconds, rpoSeconds or both`,
        ],
      );
      const unknown = problems(parseDrillInput, {
        sourceServerIds: [A],
        region: 'us-east-1',
        targets: { rto: 60 },
      });
      assert.ok(
        unknown.some((p) => p.startsWith('targets: Unrecognized key: "rto"')),
        unknown.join('\n'),
      );
    });

    it('refuses per-server targets for a server the run does not launch, naming the field', () => {
      assert.deepEqual(
        problems(parseRecoveryInput, {
          sourceServerIds: [A],
          region: 'us-east-1',
          serverTargets: { [B]: { rtoSeconds: 60 } },
        }),
        [`serverTargets.${B}: names a server that is not in sourceServerIds`],
      );
    });

    it('drsPlan: targets per plan, per wave and per server; an unknown server or targets in options refused', () => {
      const plan = parsePlanInput({
        region: 'us-east-1',
        targets: { rtoSeconds: 3600 },
        serverTargets: { [B]: { rpoSeconds: 120 } },
        waves: [
          { name: 'db', sourceServerIds: [A], targets: { rtoSeconds: 600 } },
          { name: 'app', sourceServerIds: [B] },
        ],
      });
      assert.deepEqual(plan.waves[0].targets, { rtoSeconds: 600 });
      assert.deepEqual(
        problems(parsePlanInput, {
          region: 'us-east-1',
          serverTargets: { [C]: { rtoSeconds: 60 } },
          waves: [{ name: 'db', sourceServerIds: [A], options: { targets: { rtoSeconds: 60 } } }],
        }),
        [
          'waves.0.options.targets: is set by the plan, not per wave',
          `serverTargets.${C}: names a server that is in no wave`,
        ],
      );
      // a tag wave's servers are known only at run time: drsPlan checks the ids then
      assert.doesNotThrow(() =>
        parsePlanInput({
          region: 'us-east-1',
          serverTargets: { [C]: { rtoSeconds: 60 } },
          waves: [{ name: 'db', tags: { Tier: 'db' } }],
        }),
      );
    });
  });

  describe('evaluation', () => {
    it('the most specific level wins, field by field', () => {
      assert.deepEqual(mergeTargets({ rtoSeconds: 3600, rpoSeconds: 300 }, { rtoSeconds: 600 }, undefined), {
        rtoSeconds: 600,
        rpoSeconds: 300,
      });
      assert.equal(mergeTargets(undefined, undefined), undefined);
    });

    it('a target is met at or under it, missed over it, and missed with nothing measured', () => {
      assert.deepEqual(
        evaluateTargets(
          { rtoSeconds: 300, rpoSeconds: 60 },
          { timeToLaunchSeconds: 300, dataAgeSeconds: 61 },
        ),
        {
          rto: { targetSeconds: 300, measuredSeconds: 300, met: true },
          rpo: { targetSeconds: 60, measuredSeconds: 61, met: false },
        },
      );
      assert.deepEqual(evaluateTargets({ rtoSeconds: 300 }, {}), { rto: { targetSeconds: 300, met: false } });
      assert.equal(evaluateTargets(undefined, { timeToLaunchSeconds: 1 }), undefined);
    });

    it('the report-level verdict: false on any miss, true when all met, undefined without targets', () => {
      type Row = { sourceServerId: string; timeToLaunchSeconds?: number; targets?: TargetResults };
      const rows = (): Row[] => [
        { sourceServerId: A, timeToLaunchSeconds: 100 },
        { sourceServerId: B, timeToLaunchSeconds: 500 },
      ];
      const met = rows();
      assert.equal(
        applyTargets(met, () => ({ rtoSeconds: 600 })),
        true,
      );
      assert.deepEqual(met[1].targets, { rto: { targetSeconds: 600, measuredSeconds: 500, met: true } });
      const missed = rows();
      assert.equal(
        applyTargets(missed, (s) => (s.sourceServerId === B ? { rtoSeconds: 300 } : undefined)),
        false,
      );
      assert.equal(missed[0].targets, undefined);
      assert.equal(
        applyTargets(rows(), () => undefined),
        undefined,
      );
    });
  });
});
