// deploy/iam-policy.json (documented in docs/deployment.md) must allow every DRS and MGN call the
// activities make: a new command in activities/ without its IAM action fails here, not in a drill.
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../common/paths';
import { loadServiceModel } from '../emulator/service-model';
import { readRepoFile } from './compose-file';

/** IAM actions that no API operation carries: DRS checks them itself when it acts for a caller. */
const PERMISSION_ONLY_ACTIONS = new Set(['drs:CreateRecoveryInstanceForDrs']);

interface Statement {
  Action: string | string[];
}

/** `drs:Operation` / `mgn:Operation` for every command class and paginator the activities import. */
function actionsCalledByActivities(): string[] {
  const actions = new Set<string>();
  const importFrom = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-(drs|mgn)'/g;
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

  it('allows every DRS and MGN operation the activities call', () => {
    const called = actionsCalledByActivities();
    assert.ok(called.includes('drs:StartRecovery'), `found ${called.join(', ')}`);
    assert.deepEqual(
      called.filter((action) => !allowed.includes(action)),
      [],
    );
  });

  it('names only real DRS and MGN actions (operations of the official service models)', () => {
    const unknown = allowed.filter((action) => {
      const [service, operation] = action.split(':');
      if (PERMISSION_ONLY_ACTIONS.has(action)) return false;
      return (service === 'drs' || service === 'mgn') && !loadServiceModel(service).operations[operation];
    });
    assert.deepEqual(unknown, []);
  });

  it('is the policy the deployment guide shows', () => {
    const guide = readRepoFile('docs/deployment.md');
    const shown = /```json\n([\s\S]*?)\n```/.exec(guide.slice(guide.indexOf('## IAM policy')))?.[1];
    assert.deepEqual(JSON.parse(shown ?? 'null'), policy);
  });
});
