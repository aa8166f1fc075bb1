// deploy/iam-policy.json (documented in docs/deployment.md) must allow every DRS, MGN, EC2 and SSM
// call the activities make: a new command in activities/ without its IAM action fails here, not in a
// drill. Run Command is allowed only on DRS-launched instances and the allowed documents.
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { guestCheckEnvSchema, guestCheckPolicy, parseEnv } from '../../common/config';
import { repoRoot } from '../../common/paths';
import { loadServiceModel } from '../emulator/service-model';
import { roleInEachAccount } from '../../activities/credentials';
import { readRepoFile } from './compose-file';

/** IAM actions that no API operation carries: DRS checks them itself when it acts for a caller. */
const PERMISSION_ONLY_ACTIONS = new Set(['drs:CreateRecoveryInstanceForDrs']);

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** S3 actions (`s3:PutObject`) of the commands a file imports from @aws-sdk/client-s3. */
function s3ActionsCalledBy(file: string): string[] {
  const names = /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-s3'/.exec(readRepoFile(file))?.[1] ?? '';
  // the IAM action of an operation, where its name differs
  const iamName: Record<string, string> = {
    ListObjectsV2: 'ListBucket',
    GetObjectLockConfiguration: 'GetBucketObjectLockConfiguration',
  };
  return names
    .split(',')
    .flatMap((raw) => /^(\w+)Command$/.exec(raw.trim())?.[1] ?? /^paginate(\w+)$/.exec(raw.trim())?.[1] ?? [])
    .map((op) => `s3:${iamName[op] ?? op}`)
    .sort();
}

/** Actions that destroy what they touch: never allowed on every resource without a condition. */
const DESTRUCTIVE = [
  'cloudformation:DeleteStack',
  'ec2:DeleteVpc',
  'ec2:TerminateInstances',
  'ec2:DeleteVolume',
  'ec2:DeleteSnapshot',
  'drs:DisconnectSourceServer',
];

/** `<service>:Operation` for every command class and paginator the activities import. */
function actionsCalledByActivities(): string[] {
  const actions = new Set<string>();
  const importFrom =
    /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-(drs|mgn|ec2|ssm|cloudformation)'/g;
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
  const allowed = policy.Statement.flatMap(actionsOf);

  it('allows every DRS, MGN, EC2, SSM and CloudFormation operation the activities call', () => {
    const called = actionsCalledByActivities();
    for (const action of [
      'drs:StartRecovery',
      'ec2:DescribeInstanceStatus',
      'ssm:SendCommand',
      'drs:StartSourceNetworkRecovery',
      'cloudformation:DeleteStack',
    ])
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
        (['drs', 'mgn', 'ec2', 'ssm', 'cloudformation'] as const).includes(service as 'drs') &&
        !loadServiceModel(service as 'drs').operations[operation]
      );
    });
    assert.deepEqual(unknown, []);
  });

  it('lets the worker only put evidence under the prefix, and read only the last-drill notes readiness uses', () => {
    const s3 = policy.Statement.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    assert.deepEqual(
      s3.map((s) => [actionsOf(s), resourcesOf(s)]),
      [
        [['s3:PutObject'], ['arn:aws:s3:::EVIDENCE-BUCKET/EVIDENCE-PREFIX/*']],
        [['s3:GetObject'], ['arn:aws:s3:::EVIDENCE-BUCKET/EVIDENCE-PREFIX/*/*/last-succeeded-drill/*']],
      ],
    );
    // the writes and the read the worker makes (the bucket-settings check at start is a warning when denied)
    const called = s3ActionsCalledBy('common/evidence-store/s3-store.ts');
    for (const action of ['s3:PutObject', 's3:GetObject']) assert.ok(called.includes(action), action);
    assert.ok(!allowed.some((a) => /^s3:(Delete|PutBucket|PutObjectRetention|BypassGovernance|\*)/.test(a)));
  });

  it("gives drsctl's evidence reader role only GetObject and ListBucket, on the prefix", () => {
    const reader = JSON.parse(readRepoFile('deploy/iam-policy-evidence-reader.json')) as {
      Statement: Statement[];
    };
    const read = reader.Statement.flatMap(actionsOf).sort();
    assert.deepEqual(read, ['s3:GetObject', 's3:ListBucket']);
    for (const statement of reader.Statement) {
      if (actionsOf(statement).includes('s3:GetObject'))
        assert.deepEqual(resourcesOf(statement), ['arn:aws:s3:::EVIDENCE-BUCKET/EVIDENCE-PREFIX/*']);
      else assert.deepEqual(statement.Condition?.StringLike?.['s3:prefix'], ['EVIDENCE-PREFIX/*']);
    }
    // every read the store makes for drsctl is one of them
    const reads = s3ActionsCalledBy('common/evidence-store/s3-store.ts').filter(
      (a) => a === 's3:GetObject' || a === 's3:ListBucket',
    );
    assert.deepEqual(reads, read);
    const guide = readRepoFile('docs/deployment.md');
    const shown = /```json\n([\s\S]*?)\n```/.exec(
      guide.slice(guide.indexOf('### Evidence reader role')),
    )?.[1];
    assert.deepEqual(JSON.parse(shown ?? 'null'), reader);
  });

  it('allows destructive actions only on resources a condition or an ARN narrows', () => {
    for (const action of DESTRUCTIVE) {
      const granting = policy.Statement.filter((s) => actionsOf(s).includes(action));
      assert.ok(granting.length > 0, `${action} is allowed somewhere (cleanup and disconnect need it)`);
      for (const s of granting)
        assert.ok(
          s.Condition !== undefined || !resourcesOf(s).includes('*'),
          `${s.Sid}: ${action} on * without a condition`,
        );
    }
    const terminate = policy.Statement.find((s) => actionsOf(s).includes('ec2:TerminateInstances'));
    // DRS marks what it creates with the tag key; its value is not part of the contract, so the
    // condition asks only that the key be there (Null false), as SendCommand's does ("*")
    assert.deepEqual(terminate?.Condition, {
      Null: { 'aws:ResourceTag/AWSElasticDisasterRecoveryManaged': 'false' },
    });
  });

  it('allows sts:AssumeRole on the per-account roles the worker assumes', () => {
    // the worker assumes a role per staging account (activities/credentials.ts)
    assert.match(readRepoFile('activities/credentials.ts'), /fromTemporaryCredentials/);
    const assume = policy.Statement.filter((s) => actionsOf(s).includes('sts:AssumeRole'));
    // the role name the deployment guide and compose use (DRS_ACCOUNT_ROLE_NAME=temporal-drs)
    assert.deepEqual(assume.flatMap(resourcesOf), [roleInEachAccount('temporal-drs')('*')]);
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
