// A plan's `network` step input and readiness's network rule, without servers: the example plan
// parses, bad network ids are refused naming the field, and networks rank READY / AT_RISK / NOT_READY.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidInputError } from '../../common/inputs';
import { parsePlanInput } from '../../common/inputs-plan';
import { repoRoot } from '../../common/paths';
import { assessNetworks, withNetworks } from '../../common/readiness-networks';

const refusal = (raw: unknown): string[] => {
  try {
    parsePlanInput(raw);
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems;
    throw err;
  }
  return [];
};

describe('plan network step input', () => {
  const waves = [{ name: 'web', sourceServerIds: ['s-1234567890abcdef0'] }];

  it('parses the example plan with its defaults', () => {
    const file = path.join(repoRoot(), 'examples/plan-network-failover.yaml');
    const plan = parsePlanInput(parseYaml(readFileSync(file, 'utf8')));
    assert.deepEqual(plan.network, {
      sourceNetworkIds: ['sn-1234567890abcdef0', 'sn-234567890abcdef01'],
      keepStacks: false,
      timeoutSeconds: 7200,
    });
    assert.deepEqual(
      plan.waves.map((w) => [w.name, w.action]),
      [
        ['data', 'recovery'],
        ['apps', 'recovery'],
      ],
    );
  });

  it('refuses bad, repeated or missing network ids and unknown fields, naming each', () => {
    const problems = refusal({
      region: 'us-east-1',
      waves,
      network: { sourceNetworkIds: ['vpc-0123456789abcdef0', 'sn-1234567890abcdef0'], keep: true },
    });
    assert.ok(
      problems.some((p) => /^network\.sourceNetworkIds\.0: must be a DRS source network id/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /^network: .*keep/.test(p)),
      problems.join('\n'),
    );
    const repeated = refusal({
      region: 'us-east-1',
      waves,
      network: { sourceNetworkIds: ['sn-1234567890abcdef0', 'sn-1234567890abcdef0'] },
    });
    assert.ok(
      repeated.some((p) => /^network\.sourceNetworkIds: must not repeat a network/.test(p)),
      repeated.join('\n'),
    );
    const empty = refusal({ region: 'us-east-1', waves, network: { sourceNetworkIds: [] } });
    assert.ok(
      empty.some((p) => /^network\.sourceNetworkIds: must not be empty/.test(p)),
      empty.join('\n'),
    );
  });

  it('readiness: unknown is NOT_READY, not PROTECTED is AT_RISK, and the worst decides', () => {
    const networks = assessNetworks(['sn-a', 'sn-b', 'sn-c'], {
      networks: [
        { sourceNetworkId: 'sn-a', replicationStatus: 'PROTECTED' },
        { sourceNetworkId: 'sn-b', replicationStatus: 'STOPPED' },
      ],
      unknown: ['sn-c'],
    });
    assert.deepEqual(
      networks.map((n) => [n.sourceNetworkId, n.status]),
      [
        ['sn-a', 'READY'],
        ['sn-b', 'AT_RISK'],
        ['sn-c', 'NOT_READY'],
      ],
    );
    assert.equal(withNetworks('READY', networks.slice(0, 1)), 'READY');
    assert.equal(withNetworks('READY', networks.slice(0, 2)), 'AT_RISK');
    assert.equal(withNetworks('AT_RISK', networks), 'NOT_READY');
  });
});
