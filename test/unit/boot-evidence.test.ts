// Boot evidence's pure rules: the input (defaults, per-server settings, bad checks named by field
// and rule), the worker's rule for in-guest checks, output excerpts, a check's verdict, launch
// actions that fail a server, and RTO judged on time to healthy.
import { strict as assert } from 'node:assert';
import { excerptOf, excerptText, failedLaunchAction, guestCheckVerdict } from '../../common/boot-evidence';
import { guestCheckEnvSchema, guestCheckPolicy, parseEnv } from '../../common/config';
import { InvalidInputError, parseDrillInput } from '../../common/inputs';
import {
  declaredGuestChecks,
  DEFAULT_BOOT_DEADLINE_SECONDS,
  guestCheckPolicyProblems,
  serverBootPlan,
} from '../../common/inputs-boot';
import { parseRecoveryInput } from '../../common/inputs-lifecycle';
import { parsePlanInput } from '../../common/inputs-plan';
import { applyTargets, rtoMeasureOf } from '../../common/targets';

const A = 's-aaaaaaaaaaaaaaaaa';
const B = 's-bbbbbbbbbbbbbbbbb';
const nginx = { type: 'ssm', commands: ['systemctl is-active nginx'] } as const;

function problemsOf(input: Record<string, unknown>): string {
  try {
    parseDrillInput({ sourceServerIds: [A, B], region: 'us-east-1', ...input });
  } catch (err) {
    assert.ok(err instanceof InvalidInputError);
    return err.problems.join('\n');
  }
  assert.fail('accepted bad input');
}

describe('boot evidence input', () => {
  it('checks the boot by default, with a deadline sized for Windows, and no in-guest checks', () => {
    const plan = parseDrillInput({ sourceServerIds: [A], region: 'us-east-1' });
    assert.deepEqual(plan.bootCheck, { enabled: true, deadlineSeconds: DEFAULT_BOOT_DEADLINE_SECONDS });
    assert.ok(DEFAULT_BOOT_DEADLINE_SECONDS > 20 * 60, 'more than a Windows boot');
    assert.deepEqual(plan.checks, []);
    const recovery = parseRecoveryInput({ sourceServerIds: [A], region: 'us-east-1' });
    assert.equal(recovery.bootCheck.enabled, true);
  });

  it('fills in an ssm check and merges per-server settings over the run', () => {
    const plan = parseDrillInput({
      sourceServerIds: [A, B],
      region: 'us-east-1',
      checks: [nginx],
      serverChecks: {
        [B]: {
          bootCheck: { deadlineSeconds: 600 },
          checks: [{ type: 'ssm', document: 'AWS-RunPowerShellScript', commands: ['Get-Service W3SVC'] }],
        },
      },
    });
    assert.deepEqual(plan.checks[0], {
      type: 'ssm',
      document: 'AWS-RunShellScript',
      commands: ['systemctl is-active nginx'],
      expectedExitCode: 0,
      timeoutSeconds: 600,
    });
    const a = serverBootPlan(plan, A);
    assert.deepEqual(a.bootCheck, { enabled: true, deadlineSeconds: DEFAULT_BOOT_DEADLINE_SECONDS });
    assert.deepEqual(
      a.checks.map((c) => c.name),
      ['checks[0]'],
    );
    const b = serverBootPlan(plan, B);
    assert.deepEqual(b.bootCheck, { enabled: true, deadlineSeconds: 600 });
    assert.deepEqual(
      b.checks.map((c) => c.name),
      ['checks[0]', `serverChecks.${B}.checks[0]`],
    );
    assert.deepEqual(
      declaredGuestChecks(plan).map((d) => d.path),
      ['checks.0.document', `serverChecks.${B}.checks.0.document`],
    );
  });

  it('names each bad check field and the rule: empty commands, timeout out of range, bad pattern', () => {
    const text = problemsOf({
      checks: [
        { type: 'ssm', commands: [] },
        { type: 'ssm', commands: ['true'], timeoutSeconds: 5 },
        { type: 'ssm', commands: ['true'], timeoutSeconds: 7200, outputPattern: '([' },
        { type: 'ssm', commands: ['true'], document: 'no spaces allowed' },
      ],
      bootCheck: { deadlineSeconds: 10 },
    });
    assert.match(text, /^checks\.0\.commands: must list at least one command$/m);
    assert.match(text, /^checks\.1\.timeoutSeconds: must be at least 30 seconds$/m);
    assert.match(text, /^checks\.2\.timeoutSeconds: must be at most 3600 seconds$/m);
    assert.match(text, /^checks\.2\.outputPattern: must be a valid regular expression$/m);
    assert.match(text, /^checks\.3\.document: must be an SSM document name/m);
    assert.match(text, /^bootCheck\.deadlineSeconds: must be at least 60 seconds$/m);
  });

  it('refuses per-server settings for a server the run does not launch', () => {
    const text = problemsOf({ serverChecks: { 's-ccccccccccccccccc': { checks: [nginx] } } });
    assert.match(text, /^serverChecks\.s-ccccccccccccccccc: names a server that is not in sourceServerIds$/m);
  });
});

describe('plan waves and health', () => {
  const wave = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    sourceServerIds: [name === 'db' ? A : B],
    ...extra,
  });

  it('lets dependants start when a wave is healthy only where its children gather boot evidence', () => {
    const plan = parsePlanInput({
      region: 'us-east-1',
      waves: [wave('db', { dependentsStartWhen: 'healthy' }), wave('app')],
    });
    assert.equal(plan.waves[0].dependentsStartWhen, 'healthy');
    assert.equal(plan.waves[1].dependentsStartWhen, 'finished');
    assert.throws(
      () =>
        parsePlanInput({
          region: 'us-east-1',
          waves: [
            wave('db', { dependentsStartWhen: 'healthy', options: { bootCheck: { enabled: false } } }),
            wave('app', { options: { notifyParentWhenHealthy: true } }),
          ],
        }),
      (err: InvalidInputError) => {
        const text = err.problems.join('\n');
        assert.match(text, /^waves\.0\.dependentsStartWhen: "healthy" needs boot evidence/m);
        assert.match(text, /^waves\.1\.options\.notifyParentWhenHealthy: is set by the plan, not per wave$/m);
        return true;
      },
    );
  });
});

describe("the worker's rule for in-guest checks", () => {
  const declared = [
    { path: 'checks.0.document', document: 'AWS-RunShellScript' },
    { path: `serverChecks.${B}.checks.0.document`, document: 'Custom-Doc' },
  ];

  it('is off unless DRS_SSM_CHECKS=enabled, with the two AWS shell documents allowed', () => {
    assert.deepEqual(guestCheckPolicy(parseEnv(guestCheckEnvSchema, {})), {
      enabled: false,
      allowedDocuments: ['AWS-RunShellScript', 'AWS-RunPowerShellScript'],
    });
    const on = guestCheckPolicy(
      parseEnv(guestCheckEnvSchema, {
        DRS_SSM_CHECKS: 'enabled',
        DRS_SSM_DOCUMENTS: 'AWS-RunShellScript, Custom-Doc',
      }),
    );
    assert.deepEqual(on, { enabled: true, allowedDocuments: ['AWS-RunShellScript', 'Custom-Doc'] });
    assert.throws(() => parseEnv(guestCheckEnvSchema, { DRS_SSM_CHECKS: 'yes' }), /DRS_SSM_CHECKS/);
  });

  it('refuses checks sent to a worker that has them off, naming the field and the rule', () => {
    const problems = guestCheckPolicyProblems(declared, { enabled: false, allowedDocuments: [] });
    assert.deepEqual(problems, [
      'checks: SSM checks are off on this worker (its DRS_SSM_CHECKS is not "enabled")',
    ]);
  });

  it('refuses a document the worker does not allow, naming the field', () => {
    const problems = guestCheckPolicyProblems(declared, {
      enabled: true,
      allowedDocuments: ['AWS-RunShellScript', 'AWS-RunPowerShellScript'],
    });
    assert.deepEqual(problems, [
      `serverChecks.${B}.checks.0.document: document "Custom-Doc" is not allowed by this worker (allowed: AWS-RunShellScript, AWS-RunPowerShellScript)`,
    ]);
    assert.deepEqual(guestCheckPolicyProblems([], { enabled: false, allowedDocuments: [] }), []);
  });
});

describe('boot evidence rules', () => {
  it('keeps the first and last lines of long output, each line bounded', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`);
    const excerpt = excerptOf(`${lines.join('\n')}\n`);
    assert.deepEqual(excerpt.first, lines.slice(0, 5));
    assert.deepEqual(excerpt.last, lines.slice(80));
    assert.equal(excerpt.omittedLines, 75);
    assert.match(excerptText(excerpt), /line 5\n… 75 line\(s\) left out …\nline 81/);
    assert.deepEqual(excerptOf('active\n'), { first: ['active'], last: [], omittedLines: 0 });
    assert.equal(excerptOf('x'.repeat(1000)).first[0].length, 201);
  });

  it('judges a command by its exit code and output pattern', () => {
    const expect = { expectedExitCode: 0, outputPattern: '^active$' };
    assert.deepEqual(guestCheckVerdict({ status: 'Success', exitCode: 0, stdout: 'active' }, expect), {
      passed: true,
    });
    assert.equal(
      guestCheckVerdict({ status: 'Failed', exitCode: 3, stdout: 'inactive\n' }, expect).why,
      'exit code 3, expected 0',
    );
    assert.match(
      guestCheckVerdict({ status: 'Success', exitCode: 0, stdout: 'inactive' }, expect).why ?? '',
      /does not match/,
    );
    assert.match(
      guestCheckVerdict({ status: 'TimedOut', stdout: '' }, expect).why ?? '',
      /TimedOut without an exit code/,
    );
    // a non-zero exit that was expected passes, whatever SSM calls it
    assert.equal(
      guestCheckVerdict({ status: 'Failed', exitCode: 3, stdout: '' }, { expectedExitCode: 3 }).passed,
      true,
    );
  });

  it('fails a server for a failed launch action that is not optional, and only then', () => {
    const run = (status: string, optional: boolean) => ({
      actionName: `a-${status}-${optional}`,
      status,
      optional,
    });
    assert.equal(failedLaunchAction([run('SUCCEEDED', false), run('FAILED', true)]), undefined);
    assert.equal(
      failedLaunchAction([run('FAILED', true), run('FAILED', false)])?.actionName,
      'a-FAILED-false',
    );
  });

  it('judges RTO on time to healthy when checks ran, and a server that never got healthy misses it', () => {
    const servers = [
      { sourceServerId: A, timeToLaunchSeconds: 100, timeToHealthySeconds: 400, boot: { result: 'PASSED' } },
      { sourceServerId: B, timeToLaunchSeconds: 100, boot: { result: 'FAILED' } },
    ];
    const measure = rtoMeasureOf(servers);
    assert.equal(measure, 'timeToHealthy');
    const met = applyTargets(servers, () => ({ rtoSeconds: 300 }), measure);
    assert.equal(met, false);
    assert.deepEqual((servers[0] as { targets?: unknown }).targets, {
      rto: { targetSeconds: 300, measuredSeconds: 400, met: false },
    });
    assert.deepEqual((servers[1] as { targets?: unknown }).targets, {
      rto: { targetSeconds: 300, met: false },
    });
    const mixed = [
      { sourceServerId: A, timeToLaunchSeconds: 100, timeToHealthySeconds: 200, boot: { result: 'PASSED' } },
      { sourceServerId: B, timeToLaunchSeconds: 100, boot: { result: 'NOT_CHECKED' } },
    ];
    assert.equal(
      applyTargets(mixed, () => ({ rtoSeconds: 150 }), rtoMeasureOf(mixed)),
      false,
    );
    assert.deepEqual(
      mixed.map(
        (s) => (s as { targets?: { rto?: { measuredSeconds?: number } } }).targets?.rto?.measuredSeconds,
      ),
      [200, 100],
      'a server whose boot check was off keeps its time to launch',
    );
    const unchecked = [{ sourceServerId: A, timeToLaunchSeconds: 100, boot: { result: 'NOT_CHECKED' } }];
    assert.equal(rtoMeasureOf(unchecked), 'timeToLaunch');
    assert.equal(
      applyTargets(unchecked, () => ({ rtoSeconds: 300 }), 'timeToLaunch'),
      true,
    );
  });
});
