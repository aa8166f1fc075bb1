// deploy/iam-policy.json (documented in docs/deployment.md) must allow every DRS, MGN, EC2 and SSM
// call the activities make: a new command in activities/ without its IAM action fails here, not in a
// drill. Run Command is allowed only on DRS-launched instances and the allowed documents.
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { guestCheckEnvSchema, guestCheckPolicy, parseEnv } from '../../common/config';
import { repoRoot } from '../../common/paths';
import { loadServiceModel } from '../emulator/service-model';
import { readRepoFile } from './compose-file';

/** IAM actions that no API operation carries: DRS checks them itself when it acts for a caller. */
const PERMISSION_ONLY_ACTIONS = new Set(['drs:CreateRecoveryInstanceForDrs']);

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

/** `<service>:Operation` for every command class and paginator the activities import. */
function actionsCalledByActivities(): string[] {
  const actions = new Set<string>();
  const importFrom = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-(drs|mgn|ec2|ssm)'/g;
  for (const file of readdirSync(path.join(repoRoot(), 'activities')).filter((f) => f.endsWith('.ts'))) {
    for (const [, names, service] of readRepoFile(`activities/${file}`).matchAll(importFrom)) {
      for (const raw of names.split(',')) {
        const name = raw.trim().replace(/^type\s+/, '');
        const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (operation) actions.add(`${service}:${operation}`);
      }
    }
  }
  return [...actions].sort();
}

describe('IAM policy for real AWS', () => {
  const policy = JSON.parse(readRepoFile('deploy/iam-policy.json')) as { Statement: Statement[] };
  const allowed = policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

  it('allows every DRS, MGN, EC2 and SSM operation the activities call', () => {
    const called = actionsCalledByActivities();
    for (const action of ['drs:StartRecovery', 'ec2:DescribeInstanceStatus', 'ssm:SendCommand'])
      assert.ok(called.includes(action), `found ${called.join(', ')}`);
    assert.deepEqual(
      called.filter((action) => !allowed.includes(action)),
      [],
    );
  });

  it('names only real DRS, MGN, EC2 and SSM actions (operations of the official service models)', () => {
    const unknown = allowed.filter((action) => {
      const [service, operation] = action.split(':');
      if (PERMISSION_ONLY_ACTIONS.has(action)) return false;
      return (
        (service === 'drs' || service === 'mgn' || service === 'ec2' || service === 'ssm') &&
        !loadServiceModel(service).operations[operation]
      );
    });
    assert.deepEqual(unknown, []);
  });

  it('allows SendCommand only on DRS-launched instances and with the default allowed documents', () => {
    const sends = policy.Statement.filter((s) => [s.Action].flat().includes('ssm:SendCommand'));
    const resources = sends.flatMap((s) => [s.Resource].flat());
    assert.ok(!resources.includes('*'), 'no SendCommand on every resource');
    const onInstances = sends.filter((s) => [s.Resource].flat().some((r) => r.includes(':instance/')));
    assert.ok(onInstances.length > 0);
    for (const s of onInstances)
      assert.deepEqual(s.Condition, {
        StringLike: { 'ssm:resourceTag/AWSElasticDisasterRecoveryManaged': '*' },
      });
    const documents = resources.filter((r) => r.includes(':document/')).map((r) => r.split('/').pop());
    assert.deepEqual(documents, guestCheckPolicy(parseEnv(guestCheckEnvSchema, {})).allowedDocuments);
  });

  it('is the policy the deployment guide shows', () => {
    const guide = readRepoFile('docs/deployment.md');
    const shown = /```json\n([\s\S]*?)\n```/.exec(guide.slice(guide.indexOf('## IAM policy')))?.[1];
    assert.deepEqual(JSON.parse(shown ?? 'null'), policy);
  });
});
