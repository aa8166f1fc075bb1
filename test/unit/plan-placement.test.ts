// drsPlan across accounts and regions, without Temporal: the input rules for waves and servers that
// name their account and region (each refusal naming its field), and how a wave's servers become
// child workflows, one account and region each.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describeProgress } from '../../client/progress';
import { InvalidInputError } from '../../common/inputs';
import type { PlanProgress, PlanWaveReport } from '../../common/types-plan';
import { parsePlanInput } from '../../common/inputs-plan';
import { repoRoot } from '../../common/paths';
import { placementKey, wavePlacementText } from '../../common/plan-placement';
import { childChunks, placementSearchAttributes, planPlacements } from '../../workflows/plan-estate';

const A = 's-aaaaaaaaaaaaaaaaa';
const B = 's-bbbbbbbbbbbbbbbbb';
const C = 's-ccccccccccccccccc';
const STAGING = '444455556666';
const OTHER = '777788889999';

function problems(raw: unknown): string[] {
  try {
    parsePlanInput(raw);
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems;
    throw err;
  }
  assert.fail('input was accepted');
}

describe('drsPlan across accounts and regions: input', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'a wave region in no known format',
      { region: 'us-east-1', waves: [{ name: 'a', sourceServerIds: [A], region: 'US East' }] },
      /^waves\.0\.region: must be an AWS region such as us-east-1/,
    ],
    [
      "a server's region in no known format",
      {
        region: 'us-east-1',
        waves: [{ name: 'a', sourceServers: [{ sourceServerId: A, region: 'useast1' }] }],
      },
      /^waves\.0\.sourceServers\.0\.region: must be an AWS region/,
    ],
    [
      'a wave account that is no account id',
      { region: 'us-east-1', waves: [{ name: 'a', sourceServerIds: [A], accountId: '4444' }] },
      /^waves\.0\.accountId: must be a 12-digit AWS account id/,
    ],
    [
      'a staging account that is no account id',
      { region: 'us-east-1', waves: [{ name: 'a', stagingAccountIds: ['staging'] }] },
      /^waves\.0\.stagingAccountIds\.0: must be a 12-digit AWS account id/,
    ],
    [
      'an empty staging account list',
      { region: 'us-east-1', waves: [{ name: 'a', stagingAccountIds: [] }] },
      /^waves\.0\.stagingAccountIds: must name at least one staging account/,
    ],
    [
      'ids together with per-server placements',
      {
        region: 'us-east-1',
        waves: [{ name: 'a', sourceServerIds: [A], sourceServers: [{ sourceServerId: B }] }],
      },
      /^waves\.0: give exactly one of/,
    ],
    [
      'per-server placements together with a staging-account selector',
      {
        region: 'us-east-1',
        waves: [{ name: 'a', sourceServers: [{ sourceServerId: B }], stagingAccountIds: [STAGING] }],
      },
      /^waves\.0: give exactly one of/,
    ],
    [
      'a server of sourceServers already in another wave',
      {
        region: 'us-east-1',
        waves: [
          { name: 'a', sourceServerIds: [A] },
          { name: 'b', sourceServers: [{ sourceServerId: A, accountId: STAGING }] },
        ],
      },
      /^waves\.1\.sourceServers: s-a+ is already in wave "a"/,
    ],
    [
      'a server repeated in sourceServers',
      {
        region: 'us-east-1',
        waves: [
          { name: 'a', sourceServers: [{ sourceServerId: A }, { sourceServerId: A, region: 'us-west-2' }] },
        ],
      },
      /^waves\.0\.sourceServers: must not repeat a server/,
    ],
  ];
  for (const [name, raw, expected] of cases)
    it(`refuses ${name}, naming the field`, () => {
      const found = problems(raw);
      assert.ok(
        found.some((p) => expected.test(p)),
        found.join('\n'),
      );
    });

  it('accepts tags with staging accounts, and checks wave options in the wave’s own region', () => {
    const plan = parsePlanInput({
      region: 'us-east-1',
      waves: [{ name: 'a', tags: { Tier: 'app' }, stagingAccountIds: [STAGING, OTHER], region: 'eu-west-1' }],
    });
    assert.deepEqual(plan.waves[0].stagingAccountIds, [STAGING, OTHER]);
    assert.equal(plan.waves[0].region, 'eu-west-1');
  });
});

describe('drsPlan across accounts and regions: placements and children', () => {
  const plan = parsePlanInput({
    region: 'us-east-1',
    waves: [
      { name: 'own', sourceServerIds: [A] },
      { name: 'staging', stagingAccountIds: [STAGING], accountId: OTHER },
      {
        name: 'mixed',
        region: 'us-west-2',
        maxServersPerChild: 1,
        sourceServers: [
          { sourceServerId: B },
          { sourceServerId: C, accountId: STAGING, region: 'eu-west-1' },
          { sourceServerId: 's-ddddddddddddddddd' },
        ],
      },
    ],
  });

  it('lists every account and region, the most specific level winning, the worker’s own as "own"', () => {
    assert.deepEqual(planPlacements(plan).map(placementKey), [
      'own/us-east-1',
      `${OTHER}/us-east-1`,
      'own/us-west-2',
      `${STAGING}/eu-west-1`,
    ]);
    assert.deepEqual(
      placementSearchAttributes(plan).map((a) => [a.key.name, a.value]),
      [
        ['DrsAccounts', ['own', OTHER, STAGING]],
        ['DrsRegions', ['us-east-1', 'us-west-2', 'eu-west-1']],
      ],
    );
  });

  it('splits a wave by account and region before cutting jobs: one child never spans two', () => {
    const mixed = plan.waves[2];
    const chunks = childChunks(plan, mixed, [B, C, 's-ddddddddddddddddd']);
    assert.deepEqual(
      chunks.map((c) => [c.servers, placementKey(c.placement)]),
      [
        [[B], 'own/us-west-2'],
        [['s-ddddddddddddddddd'], 'own/us-west-2'],
        [[C], `${STAGING}/eu-west-1`],
      ],
    );
    // a one-placement wave is cut exactly as before plans spanned accounts
    const own = childChunks({ ...plan, waves: [] }, { ...plan.waves[0], maxServersPerChild: 2 }, [A, B, C]);
    assert.deepEqual(
      own.map((c) => c.servers),
      [[A, B], [C]],
    );
  });

  it("shows a wave's accounts and regions, and a run recorded before them the plan's", () => {
    assert.equal(
      wavePlacementText(
        { placements: [{ region: 'us-west-2' }, { region: 'eu-west-1', accountId: STAGING }] },
        {},
      ),
      `worker's account us-west-2, ${STAGING} eu-west-1`,
    );
    assert.equal(wavePlacementText({}, { region: 'us-east-1', accountId: OTHER }), `${OTHER} us-east-1`);
  });
});

describe('examples/plan-estate.yaml', () => {
  it('is a valid plan across accounts and regions', () => {
    const raw: unknown = parseYaml(readFileSync(path.join(repoRoot(), 'examples/plan-estate.yaml'), 'utf8'));
    const plan = parsePlanInput(raw);
    assert.deepEqual(planPlacements(plan).map(placementKey), [
      'own/us-east-1',
      '222233334444/us-east-1',
      'own/us-west-2',
      '222233334444/us-west-2',
    ]);
  });
});

describe('drsctl progress of a plan across accounts', () => {
  const wave = (name: string, placements: { region: string; accountId?: string }[]): PlanWaveReport => ({
    name,
    action: 'drill',
    status: 'PENDING',
    dependsOn: [],
    sourceServerIds: [],
    placements,
    children: [],
  });
  const progress = (waves: PlanWaveReport[]): PlanProgress => ({
    operation: 'plan',
    phase: 'running-waves',
    waves,
    awaitingApproval: [],
  });

  it("names each wave's account and region once the plan spans more than one, and not before", () => {
    assert.equal(
      describeProgress(
        progress([wave('db', [{ region: 'us-east-1' }]), wave('web', [{ region: 'us-east-1' }])]),
      ),
      'phase=running-waves db:PENDING web:PENDING',
    );
    assert.equal(
      describeProgress(
        progress([
          wave('db', [{ region: 'us-east-1' }]),
          wave('stg', [{ region: 'us-east-1', accountId: STAGING }, { region: 'us-west-2' }]),
        ]),
      ),
      `phase=running-waves db[own/us-east-1]:PENDING stg[${STAGING}/us-east-1,own/us-west-2]:PENDING`,
    );
  });
});
