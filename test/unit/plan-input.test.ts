// drsPlan input rules: defaults, and every refusal naming its field (before any DRS call).
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

describe('drsPlan input', () => {
  it('fills defaults; a wave depends on the one before unless dependsOn says otherwise', () => {
    const plan = parsePlanInput({
      region: 'us-east-1',
      waves: [
        { name: 'one', sourceServerIds: [A] },
        { name: 'two', tags: { Wave: '2' } },
        { name: 'three', sourceServerIds: [B], dependsOn: [] },
      ],
    });
    assert.deepEqual(
      plan.waves.map((w) => [
        w.name,
        w.action,
        w.dependsOn,
        w.maxServersPerChild,
        w.maxChildrenAtOnce,
        w.pauseBefore,
      ]),
      [
        ['one', 'drill', [], 100, 5, false],
        ['two', 'drill', ['one'], 100, 5, false],
        ['three', 'drill', [], 100, 5, false],
      ],
    );
    assert.equal(plan.confirm, false);
    assert.equal(plan.approvalTimeoutSeconds, 86400);
  });

  const cases: [string, unknown, RegExp][] = [
    ['no waves', { region: 'us-east-1', waves: [] }, /^waves:/],
    [
      'an empty wave',
      { region: 'us-east-1', waves: [{ name: 'a', sourceServerIds: [] }] },
      /waves\.0\.sourceServerIds: must not be empty/,
    ],
    [
      'an empty tag selector',
      { region: 'us-east-1', waves: [{ name: 'a', tags: {} }] },
      /waves\.0\.tags: must name at least one tag/,
    ],
    [
      'neither ids nor tags',
      { region: 'us-east-1', waves: [{ name: 'a' }] },
      /waves\.0: give exactly one of sourceServerIds, sourceServers, or a selector/,
    ],
    [
      'both ids and tags',
      { region: 'us-east-1', waves: [{ name: 'a', sourceServerIds: [A], tags: { Wave: '1' } }] },
      /waves\.0: give exactly one of/,
    ],
    [
      'an unknown dependency',
      { region: 'us-east-1', waves: [{ name: 'a', sourceServerIds: [A], dependsOn: ['x'] }] },
      /waves\.0\.dependsOn: unknown wave "x"/,
    ],
    [
      'a self dependency',
      { region: 'us-east-1', waves: [{ name: 'a', sourceServerIds: [A], dependsOn: ['a'] }] },
      /cannot depend on itself/,
    ],
    [
      'a cycle',
      {
        region: 'us-east-1',
        waves: [
          { name: 'a', sourceServerIds: [A], dependsOn: ['b'] },
          { name: 'b', sourceServerIds: [B] },
        ],
      },
      /^waves: dependency cycle: a → b → a/,
    ],
    [
      'a repeated wave name',
      {
        region: 'us-east-1',
        waves: [
          { name: 'a', sourceServerIds: [A] },
          { name: 'a', sourceServerIds: [B] },
        ],
      },
      /waves\.1\.name: repeats/,
    ],
    [
      'a server in two waves',
      {
        region: 'us-east-1',
        waves: [
          { name: 'a', sourceServerIds: [A] },
          { name: 'b', sourceServerIds: [A] },
        ],
      },
      /waves\.1\.sourceServerIds: s-a+ is already in wave "a"/,
    ],
    [
      'a recovery wave without confirm',
      { region: 'us-east-1', waves: [{ name: 'a', action: 'recovery', sourceServerIds: [A] }] },
      /^confirm: must be true: wave "a" is a real failover/,
    ],
    [
      'bad child options',
      {
        region: 'us-east-1',
        waves: [{ name: 'a', sourceServerIds: [A], options: { validation: { mode: 'forever' } } }],
      },
      /waves\.0\.options: validation\.mode/,
    ],
    [
      'options setting a plan field',
      { region: 'us-east-1', waves: [{ name: 'a', sourceServerIds: [A], options: { region: 'eu-west-1' } }] },
      /waves\.0\.options\.region: is set by the plan/,
    ],
    [
      'pre-checks without hosts',
      {
        region: 'us-east-1',
        waves: [
          {
            name: 'a',
            sourceServerIds: [A],
            preChecks: { checks: [{ type: 'tcp', port: 5432 }], hosts: [] },
          },
        ],
      },
      /waves\.0\.preChecks\.hosts/,
    ],
    [
      'a post-check host that is not a host name',
      {
        region: 'us-east-1',
        waves: [
          {
            name: 'a',
            sourceServerIds: [A],
            postChecks: { checks: [{ type: 'http' }], hosts: ['http://db.internal/'] },
          },
        ],
      },
      /waves\.0\.postChecks\.hosts\.0: must be a host name or IP address/,
    ],
    [
      'too many servers per child',
      { region: 'us-east-1', waves: [{ name: 'a', sourceServerIds: [A], maxServersPerChild: 101 }] },
      /maxServersPerChild: at most 100/,
    ],
  ];
  for (const [name, raw, expected] of cases) {
    it(`refuses ${name}`, () => {
      const found = problems(raw);
      assert.ok(
        found.some((p) => expected.test(p)),
        found.join('\n'),
      );
    });
  }

  it('fills check defaults: HTTP on port 80 for /, 10 minutes to pass', () => {
    const plan = parsePlanInput({
      region: 'us-east-1',
      waves: [
        { name: 'a', sourceServerIds: [A], preChecks: { checks: [{ type: 'http' }], hosts: ['10.0.0.5'] } },
      ],
    });
    assert.deepEqual(plan.waves[0].preChecks, {
      checks: [{ type: 'http', port: 80, path: '/', expectStatus: 200, scheme: 'http' }],
      hosts: ['10.0.0.5'],
      timeoutSeconds: 600,
    });
  });

  it('accepts a confirmed recovery wave with child options', () => {
    const plan = parsePlanInput({
      region: 'us-east-1',
      confirm: true,
      waves: [
        { name: 'db', action: 'recovery', sourceServerIds: [A], options: { launchTimeoutSeconds: 7200 } },
      ],
    });
    assert.deepEqual(plan.waves[0].options, { launchTimeoutSeconds: 7200 });
  });
});
