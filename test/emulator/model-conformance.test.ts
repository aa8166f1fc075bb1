// The emulator against the official DRS, MGN, EC2 and SSM service models (botocore's, pinned and installed by
// scripts/install-tools.sh): routes, every response of a tour through every served operation,
// every request constraint (probed from the model) and every error. Differences are allowed only
// where emulator/model-differences.json lists them, and each listed one is in emulator/README.md.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  ConflictException,
  CreateExtendedSourceServerCommand,
  DeleteLaunchActionCommand,
  DeleteRecoveryInstanceCommand,
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeLaunchConfigurationTemplatesCommand,
  DescribeRecoveryInstancesCommand,
  DescribeRecoverySnapshotsCommand,
  DescribeSourceNetworksCommand,
  DescribeSourceServersCommand,
  DisconnectRecoveryInstanceCommand,
  DeleteSourceServerCommand,
  DisconnectSourceServerCommand,
  GetLaunchConfigurationCommand,
  GetReplicationConfigurationCommand,
  InitializeServiceCommand,
  ListExtensibleSourceServersCommand,
  ListLaunchActionsCommand,
  ListStagingAccountsCommand,
  ListTagsForResourceCommand,
  PutLaunchActionCommand,
  ResourceNotFoundException,
  RetryDataReplicationCommand,
  ReverseReplicationCommand,
  ServiceQuotaExceededException,
  StartFailbackLaunchCommand,
  StartRecoveryCommand,
  StartReplicationCommand,
  StartSourceNetworkRecoveryCommand,
  StopFailbackCommand,
  StopReplicationCommand,
  TagResourceCommand,
  TerminateRecoveryInstancesCommand,
  ThrottlingException,
  UninitializedAccountException,
  UntagResourceCommand,
  UpdateLaunchConfigurationCommand,
  ValidationException,
} from '@aws-sdk/client-drs';
import {
  DescribeSourceServersCommand as MgnDescribeSourceServersCommand,
  StartReplicationCommand as MgnStartReplicationCommand,
} from '@aws-sdk/client-mgn';
import { DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeInstanceStatusCommand, GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { repoRoot } from '../../common/paths';
import { DEFAULT_ACCOUNT, STAGING_ACCOUNT, type EmulatorStateSnapshot } from '../../emulator';
import { DRS_OPERATIONS } from '../../emulator/operations/drs';
import { CLOUDFORMATION_OPERATIONS } from '../../emulator/operations/cloudformation';
import { EC2_OPERATIONS } from '../../emulator/operations/ec2';
import { MGN_OPERATIONS } from '../../emulator/operations/mgn';
import { SSM_OPERATIONS } from '../../emulator/operations/ssm';
import { checkEc2Xml, checkQueryXml, checkSsmJson } from './aws-wire-check';
import { modelAccepts, probesFor, rawHeaders, rawRequest, type Probe } from './model-probes';
import {
  loadServiceModel,
  modelFile,
  type ServiceModel,
  type ServiceName,
  type Shape,
} from './service-model';
import { fixture, rejectsWith, runJobToCompletion, type Fixture } from './support';
import { DIFFERENCES_FILE, modelDifferences, type ModelDifferences } from './wire-check';

const FAKE_INSTANCE = 'i-0123456789abcdef0';
const LAUNCH_ACTION = {
  actionCode: 'AWS-RunShellScript',
  order: 2,
  actionId: '11111111-2222-4333-8444-555555555555',
  optional: false,
  active: true,
  name: 'check-nginx',
  actionVersion: '$DEFAULT',
  category: 'VALIDATION',
  description: 'nginx is active',
  parameters: { commands: { value: 'uptime', type: 'DYNAMIC' } },
} as const;

function served(service: ServiceName): string[] {
  return (service === 'drs' ? DRS_OPERATIONS : MGN_OPERATIONS).map((op) => op.name.replace(/^mgn:/, ''));
}

/** A valid request per served operation, from the seeded inventory; probes vary one member at a time. */
function baselines(
  state: EmulatorStateSnapshot,
  sourceNetworkID: string,
): Record<ServiceName, Record<string, Record<string, unknown>>> {
  const mine = state.servers.filter((s) => s.accountId !== STAGING_ACCOUNT && !s.extendedFrom);
  const server = mine.find((s) => s.replicationState === 'CONTINUOUS')?.sourceServerID as string;
  const arn = `arn:aws:drs:us-east-1:${DEFAULT_ACCOUNT}:source-server/${server}`;
  const staging = state.servers.find((s) => s.accountId === STAGING_ACCOUNT && s.hostname === 'stg-db-01');
  const mgn = state.mgnServers[0].sourceServerID;
  const disconnected = mine.find((s) => s.replicationState === 'DISCONNECTED')?.sourceServerID as string;
  const bySource = { sourceServerID: server };
  const byInstance = { recoveryInstanceID: FAKE_INSTANCE };
  const tags = { team: 'dr' };
  return {
    drs: {
      StartRecovery: { sourceServers: [{ sourceServerID: server }], isDrill: true, tags },
      DescribeJobs: {
        filters: { jobIDs: [], fromDate: '2024-01-01T00:00:00Z', toDate: '2030-01-01T00:00:00.000Z' },
        maxResults: 10,
      },
      DescribeJobLogItems: { jobID: 'drsjob-00000000000000000', maxResults: 10 },
      TerminateRecoveryInstances: { recoveryInstanceIDs: [FAKE_INSTANCE] },
      DescribeRecoveryInstances: {
        filters: { recoveryInstanceIDs: [FAKE_INSTANCE], sourceServerIDs: [server] },
        maxResults: 10,
      },
      DescribeSourceServers: {
        filters: { sourceServerIDs: [server], hardwareId: '02:00:aa:bb:cc:dd', stagingAccountIDs: [] },
        maxResults: 10,
      },
      RetryDataReplication: bySource,
      StopReplication: bySource,
      StartReplication: bySource,
      DisconnectSourceServer: bySource,
      DeleteSourceServer: { sourceServerID: disconnected },
      DisconnectRecoveryInstance: byInstance,
      StartFailbackLaunch: { recoveryInstanceIDs: [FAKE_INSTANCE], tags },
      ReverseReplication: byInstance,
      StopFailback: byInstance,
      ListExtensibleSourceServers: { stagingAccountID: STAGING_ACCOUNT, maxResults: 10 },
      CreateExtendedSourceServer: {
        sourceServerArn: `arn:aws:drs:us-east-1:${STAGING_ACCOUNT}:source-server/${staging?.sourceServerID}`,
        tags,
      },
      GetLaunchConfiguration: bySource,
      InitializeService: {},
      ListStagingAccounts: { maxResults: 10 },
      ListTagsForResource: { resourceArn: arn },
      TagResource: { resourceArn: arn, tags },
      UntagResource: { resourceArn: arn, tagKeys: ['team'] },
      DescribeRecoverySnapshots: {
        sourceServerID: server,
        filters: { fromDateTime: '2024-01-01T00:00:00Z', toDateTime: '2030-01-01T00:00:00Z' },
        order: 'DESC',
        maxResults: 10,
      },
      DeleteRecoveryInstance: byInstance,
      GetReplicationConfiguration: bySource,
      UpdateLaunchConfiguration: {
        sourceServerID: server,
        name: 'web',
        launchDisposition: 'STOPPED',
        targetInstanceTypeRightSizingMethod: 'NONE',
        copyPrivateIp: true,
        copyTags: false,
        licensing: { osByol: false },
        postLaunchEnabled: true,
        launchIntoInstanceProperties: { launchIntoEC2InstanceID: FAKE_INSTANCE },
        recoveryMode: 'OPTIMAL',
      },
      DescribeLaunchConfigurationTemplates: { launchConfigurationTemplateIDs: [], maxResults: 10 },
      PutLaunchAction: { resourceId: server, ...LAUNCH_ACTION },
      ListLaunchActions: {
        resourceId: server,
        filters: { actionIds: [LAUNCH_ACTION.actionId] },
        maxResults: 10,
      },
      DeleteLaunchAction: { resourceId: server, actionId: LAUNCH_ACTION.actionId },
      DescribeSourceNetworks: {
        filters: {
          sourceNetworkIDs: [sourceNetworkID],
          originAccountID: DEFAULT_ACCOUNT,
          originRegion: 'us-west-2',
        },
        maxResults: 10,
      },
      StartSourceNetworkRecovery: {
        sourceNetworks: [{ sourceNetworkID, cfnStackName: 'drill-network' }],
        deployAsNew: true,
        tags,
      },
    },
    mgn: {
      DescribeSourceServers: {
        filters: {
          sourceServerIDs: [mgn],
          isArchived: false,
          replicationTypes: ['SNAPSHOT_SHIPPING'],
          lifeCycleStates: ['NOT_READY'],
          applicationIDs: [],
        },
        maxResults: 10,
        accountID: DEFAULT_ACCOUNT,
      },
      StartReplication: { sourceServerID: mgn, accountID: DEFAULT_ACCOUNT },
    },
  };
}

type Verdict = 'accepted' | 'rejected';

/** Whether a probe is one that a listed difference's rule explains. */
function breaksRule(
  model: ServiceModel,
  operation: string,
  rule: ModelDifferences['requestConstraints'][number]['rule'],
  probe: Probe,
): boolean {
  const parts = probe.member.split('.');
  const value = parts.reduce<unknown>(
    (node, part) => (node as Record<string, unknown> | undefined)?.[part],
    probe.input,
  );
  if (rule === 'distinct') {
    return Array.isArray(value) && new Set(value.map((v) => JSON.stringify(v))).size < value.length;
  }
  const shape = memberShape(model, operation, parts);
  return (
    typeof value === 'string' && !!shape?.pattern && !new RegExp(`^(?:${shape.pattern})$`, 'u').test(value)
  );
}

function memberShape(model: ServiceModel, operation: string, parts: string[]): Shape | undefined {
  let shape: Shape | undefined = model.shapes[model.operations[operation].input?.shape ?? ''];
  for (const part of parts) shape = model.shapes[shape?.members?.[part]?.shape ?? ''];
  return shape;
}

/** Rejected = a ValidationException about the request's form; state refusals (reason `other`) are not. */
async function emulatorVerdict(
  f: Fixture,
  service: ServiceName,
  request: ReturnType<typeof rawRequest>,
): Promise<Verdict> {
  const response = await fetch(`${f.emulator.url}${request.path}`, {
    method: request.method,
    headers: rawHeaders(service, DEFAULT_ACCOUNT),
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const body = (await response.json().catch(() => ({}))) as { reason?: string };
  const invalid =
    response.headers.get('x-amzn-errortype') === 'ValidationException' &&
    (body.reason === 'fieldValidationFailed' || body.reason === 'cannotParse');
  return invalid ? 'rejected' : 'accepted';
}

describe('emulator: conformance with the official DRS, MGN, EC2 and SSM models', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.close());

  it('has the pinned models installed (scripts/install-tools.sh), and says so when they are missing', () => {
    for (const service of ['drs', 'mgn'] as const) {
      assert.equal(loadServiceModel(service).metadata.signingName, service, modelFile(service));
    }
    const saved = process.env.TEMPORAL_DRS_TOOLS;
    process.env.TEMPORAL_DRS_TOOLS = path.join(repoRoot(), 'no-such-tools-dir');
    try {
      assert.throws(() => loadServiceModel('drs'), /run 'bash scripts\/install-tools.sh'/);
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_DRS_TOOLS;
      else process.env.TEMPORAL_DRS_TOOLS = saved;
    }
  });

  it('serves each operation on the route the model gives it', () => {
    for (const [service, routes] of [
      ['drs', DRS_OPERATIONS],
      ['mgn', MGN_OPERATIONS],
    ] as const) {
      const model = loadServiceModel(service);
      for (const route of routes) {
        const op = model.operations[route.name.replace(/^mgn:/, '')];
        assert.ok(op, `${route.name} is not an operation of the ${service} model`);
        assert.equal(route.method, op.http.method, route.name);
        assert.equal(route.path, op.http.requestUri.replace(/\{resourceArn\}$/, ''), route.name);
      }
    }
  });

  it('every response of a tour through every served operation matches the model, errors included', async function () {
    this.timeout(30_000);
    const mgn = f.mgn({ maxAttempts: 1 });
    const other = f.client({ accountId: '999988887777', maxAttempts: 1 });
    const drs = f.strict;
    const state = await f.emulator.control.state();
    const host = (name: string) =>
      state.servers.find((s) => s.hostname === name && s.accountId === DEFAULT_ACCOUNT);
    const web = host('web-01')?.sourceServerID as string;
    const db = host('db-01')?.sourceServerID as string;
    const batch = host('batch-01')?.sourceServerID as string;
    const reports = host('reports-01')?.sourceServerID as string;
    const legacy = host('legacy-01')?.sourceServerID as string;
    await drs.send(new DescribeSourceServersCommand({}));
    await drs.send(new GetLaunchConfigurationCommand({ sourceServerID: web }));
    await drs.send(new UpdateLaunchConfigurationCommand({ sourceServerID: web, copyPrivateIp: true }));
    await drs.send(new GetReplicationConfigurationCommand({ sourceServerID: web }));
    await drs.send(new DescribeLaunchConfigurationTemplatesCommand({}));
    f.advance(3600);
    await drs.send(
      new DescribeRecoverySnapshotsCommand({ sourceServerID: web, order: 'ASC', maxResults: 2 }),
    );
    const { job } = await drs.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: web }] }),
    );
    await rejectsWith(
      drs.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: web }] })),
      ConflictException,
    );
    await runJobToCompletion(f, job?.jobID as string);
    await drs.send(new DescribeJobLogItemsCommand({ jobID: job?.jobID }));
    const { items: drill = [] } = await drs.send(new DescribeRecoveryInstancesCommand({}));
    const drillId = drill[0].recoveryInstanceID as string;
    await rejectsWith(
      drs.send(new DeleteRecoveryInstanceCommand({ recoveryInstanceID: drillId })),
      ConflictException,
    );
    const { job: terminate } = await drs.send(
      new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: [drillId] }),
    );
    await runJobToCompletion(f, terminate?.jobID as string);
    // a real recovery of the EC2-originated server, then failback
    const { job: recovery } = await drs.send(
      new StartRecoveryCommand({ sourceServers: [{ sourceServerID: db }] }),
    );
    await runJobToCompletion(f, recovery?.jobID as string);
    const { items: [recovered] = [] } = await drs.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [db] } }),
    );
    const recoveredId = recovered.recoveryInstanceID as string;
    await drs.send(new ReverseReplicationCommand({ recoveryInstanceID: recoveredId }));
    await drs.send(new StopFailbackCommand({ recoveryInstanceID: recoveredId }));
    await f.emulator.control.scenario({
      type: 'failbackReadyAfter',
      seconds: 60,
      recoveryInstanceIds: [recoveredId],
    });
    f.advance(61);
    const { job: failback } = await drs.send(
      new StartFailbackLaunchCommand({ recoveryInstanceIDs: [recoveredId] }),
    );
    await runJobToCompletion(f, failback?.jobID as string);
    await drs.send(new DisconnectRecoveryInstanceCommand({ recoveryInstanceID: recoveredId }));
    await drs.send(new DeleteRecoveryInstanceCommand({ recoveryInstanceID: recoveredId }));
    // replication
    await drs.send(new RetryDataReplicationCommand({ sourceServerID: batch }));
    await drs.send(new StartReplicationCommand({ sourceServerID: reports }));
    await drs.send(new StopReplicationCommand({ sourceServerID: web }));
    await drs.send(new DisconnectSourceServerCommand({ sourceServerID: legacy }));
    await drs.send(new DeleteSourceServerCommand({ sourceServerID: legacy }));
    // multi-account
    await drs.send(new ListStagingAccountsCommand({}));
    const { items: extensible = [] } = await drs.send(
      new ListExtensibleSourceServersCommand({ stagingAccountID: STAGING_ACCOUNT }),
    );
    await drs.send(new CreateExtendedSourceServerCommand({ sourceServerArn: extensible[0].arn }));
    // launch actions
    await drs.send(new PutLaunchActionCommand({ resourceId: web, ...LAUNCH_ACTION }));
    await drs.send(new ListLaunchActionsCommand({ resourceId: web }));
    await drs.send(new DeleteLaunchActionCommand({ resourceId: web, actionId: LAUNCH_ACTION.actionId }));
    await rejectsWith(
      drs.send(new DeleteLaunchActionCommand({ resourceId: web, actionId: LAUNCH_ACTION.actionId })),
      ResourceNotFoundException,
    );
    // tags
    const resourceArn = `arn:aws:drs:us-east-1:${DEFAULT_ACCOUNT}:source-server/${web}`;
    await drs.send(new TagResourceCommand({ resourceArn, tags: { team: 'dr' } }));
    await drs.send(new ListTagsForResourceCommand({ resourceArn }));
    await drs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['team'] }));
    // source networks
    const { items: networks = [] } = await drs.send(new DescribeSourceNetworksCommand({}));
    const { job: network } = await drs.send(
      new StartSourceNetworkRecoveryCommand({
        sourceNetworks: [
          { sourceNetworkID: networks[0].sourceNetworkID as string, cfnStackName: 'drill-net' },
        ],
        deployAsNew: true,
      }),
    );
    await runJobToCompletion(f, network?.jobID as string, 5);
    await drs.send(new DescribeJobLogItemsCommand({ jobID: network?.jobID as string }));
    await drs.send(
      new DescribeSourceNetworksCommand({
        filters: { sourceNetworkIDs: [networks[0].sourceNetworkID as string] },
      }),
    );
    // errors
    await rejectsWith(drs.send(new DescribeJobsCommand({ maxResults: 0 })), ValidationException);
    await rejectsWith(
      drs.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: 's-short' }] })),
      ValidationException,
    );
    const missing = { sourceServerID: 's-00000000000000000' };
    await rejectsWith(drs.send(new GetLaunchConfigurationCommand(missing)), ResourceNotFoundException);
    await rejectsWith(
      drs.send(new StartRecoveryCommand({ sourceServers: [missing] })),
      ResourceNotFoundException,
    );
    await f.emulator.control.setConfig({ quotas: { maxServersPerJob: 1 } });
    await rejectsWith(
      drs.send(
        new StartRecoveryCommand({
          sourceServers: [{ sourceServerID: batch }, { sourceServerID: reports }],
        }),
      ),
      ServiceQuotaExceededException,
    );
    // web was stopped above: starting it again would exceed an account quota of one replicating server
    await f.emulator.control.setConfig({ quotas: { maxReplicatingServers: 1 } });
    await rejectsWith(
      drs.send(new StartReplicationCommand({ sourceServerID: web })),
      ServiceQuotaExceededException,
    );
    await rejectsWith(other.send(new DescribeJobsCommand({})), UninitializedAccountException);
    await other.send(new InitializeServiceCommand({}));
    await f.emulator.control.faults({ operation: 'DescribeJobs', throttleRate: 1 });
    await rejectsWith(drs.send(new DescribeJobsCommand({})), ThrottlingException);
    await f.emulator.control.accessDenied({ operations: ['StartRecovery'] });
    await rejectsWith(
      drs.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: batch }] })),
      Error,
    ).then((err) => assert.equal(err.name, 'AccessDeniedException'));
    // MGN
    await mgn.send(new MgnDescribeSourceServersCommand({ filters: {} }));
    const mgnServer = state.mgnServers.find((s) => s.replicationType === 'SNAPSHOT_SHIPPING');
    await mgn.send(new MgnStartReplicationCommand({ sourceServerID: mgnServer?.sourceServerID }));
    await f.emulator.control.accessDenied({ operations: ['mgn:DescribeSourceServers'] });
    await assert.rejects(mgn.send(new MgnDescribeSourceServersCommand({})), {
      name: 'AccessDeniedException',
    });
    const succeeded = (service: ServiceName) =>
      new Set(f.exchanges.filter((e) => e.service === service && e.statusCode < 300).map((e) => e.operation));
    assert.deepEqual(
      served('drs').filter((op) => !succeeded('drs').has(op)),
      [],
      'DRS operations never answered',
    );
    assert.deepEqual(
      served('mgn').filter((op) => !succeeded('mgn').has(op)),
      [],
      'MGN operations never answered',
    );
    // each listed undeclared error was needed: some operation answered it without declaring it
    const undeclared = (service: ServiceName, error: string) =>
      f.exchanges.some(
        (e) =>
          e.service === service &&
          e.errorType === error &&
          !loadServiceModel(service).operations[e.operation].errors?.some((d) => d.shape === error),
      );
    assert.deepEqual(
      modelDifferences()
        .undeclaredErrors.filter((d) => !undeclared(d.service, d.error))
        .map((d) => `${d.service} ${d.error}`),
      [],
      'listed differences the tour never needed',
    );
  });

  it('enforces exactly the request constraints of the model (probed member by member)', async function () {
    this.timeout(30_000);
    const state = await f.emulator.control.state();
    const { items: [network] = [] } = await f.strict.send(new DescribeSourceNetworksCommand({}));
    const differences = modelDifferences().requestConstraints;
    const mismatches: string[] = [];
    let probed = 0;
    for (const [service, operations] of Object.entries(
      baselines(state, network.sourceNetworkID as string),
    ) as [ServiceName, Record<string, Record<string, unknown>>][]) {
      const model = loadServiceModel(service);
      assert.deepEqual(Object.keys(operations).sort(), served(service).sort(), `${service} baselines`);
      for (const [operation, baseline] of Object.entries(operations)) {
        await f.emulator.control.reset();
        const base = await emulatorVerdict(f, service, rawRequest(model, operation, baseline));
        assert.equal(base, 'accepted', `${service}:${operation} baseline ${JSON.stringify(baseline)}`);
        for (const probe of probesFor(model, operation, baseline)) {
          probed += 1;
          const expected: Verdict = modelAccepts(model, operation, probe.input) ? 'accepted' : 'rejected';
          const actual = await emulatorVerdict(f, service, rawRequest(model, operation, probe.input));
          const listed = differences.some(
            (d) =>
              d.service === service &&
              d.operation === operation &&
              d.member === probe.member &&
              breaksRule(model, operation, d.rule, probe),
          );
          if (actual !== expected && !listed) {
            mismatches.push(
              `${service}:${operation} ${probe.member}: model ${expected}, emulator ${actual}: ${JSON.stringify(probe.input).slice(0, 160)}`,
            );
          }
        }
      }
    }
    assert.ok(probed > 300, `only ${probed} probes`);
    assert.deepEqual(mismatches, []);
  });

  it('refuses what the listed request differences say, and the model would accept it', async () => {
    for (const d of modelDifferences().requestConstraints) {
      const model = loadServiceModel(d.service);
      assert.ok(
        modelAccepts(model, d.operation, d.probe),
        `${d.operation} ${d.member}: the model refuses it too`,
      );
      const verdict = await emulatorVerdict(f, d.service, rawRequest(model, d.operation, d.probe));
      assert.equal(verdict, 'rejected', `${d.operation} ${d.member}`);
    }
  });

  it('lists every allowed difference in emulator/README.md', () => {
    const readme = readFileSync(path.join(repoRoot(), 'emulator/README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Differences from the service model'));
    assert.ok(section.length > 0 && section.includes(DIFFERENCES_FILE), 'README section missing');
    const { undeclaredErrors, requestConstraints } = modelDifferences();
    for (const d of undeclaredErrors) assert.ok(section.includes(`\`${d.error}\``), d.error);
    for (const d of requestConstraints) {
      assert.ok(section.includes(d.operation) && section.includes(`\`${d.member}\``), d.member);
    }
  });

  it('EC2 and SSM: each served operation is in the model, and a tour answers every one as the model says', async () => {
    const ec2Model = loadServiceModel('ec2');
    const ssmModel = loadServiceModel('ssm');
    assert.equal(ec2Model.metadata.apiVersion, '2016-11-15');
    for (const op of EC2_OPERATIONS) assert.ok(ec2Model.operations[op], `ec2:${op}`);
    for (const op of SSM_OPERATIONS) assert.ok(ssmModel.operations[op], `ssm:${op}`);
    const ec2 = f.ec2();
    const ssm = f.ssm();
    const state = await f.emulator.control.state();
    const host = (name: string) =>
      state.servers.find((s) => s.hostname === name && s.accountId === DEFAULT_ACCOUNT)
        ?.sourceServerID as string;
    await f.emulator.control.scenario({ type: 'bootFailure', sourceServerIds: [host('web-02')] });
    await f.emulator.control.scenario({ type: 'commandFailure', sourceServerIds: [host('app-01')] });
    const { job } = await f.strict.send(
      new StartRecoveryCommand({
        isDrill: true,
        sourceServers: ['web-01', 'web-02', 'app-01', 'app-02'].map((h) => ({ sourceServerID: host(h) })),
      }),
    );
    const { job: done } = await runJobToCompletion(f, job?.jobID as string);
    const ids = (done.participatingServers ?? []).map((p) => p.recoveryInstanceID as string);
    await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: ids, IncludeAllInstances: true }));
    await ec2.send(new GetConsoleOutputCommand({ InstanceId: ids[0] }));
    f.advance(60);
    await ec2.send(new DescribeInstanceStatusCommand({ MaxResults: 5 }));
    await ec2.send(new GetConsoleOutputCommand({ InstanceId: ids[1] }));
    await assert.rejects(ec2.send(new GetConsoleOutputCommand({ InstanceId: FAKE_INSTANCE })));
    const online = [ids[0], ids[2]];
    await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
    const { Command } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: online,
        Parameters: { commands: ['systemctl is-active nginx'] },
        TimeoutSeconds: 60,
      }),
    );
    const invocation = () =>
      ssm.send(new GetCommandInvocationCommand({ CommandId: Command?.CommandId, InstanceId: online[1] }));
    await assert.rejects(invocation(), { name: 'InvocationDoesNotExist' });
    f.advance(1.5);
    await invocation();
    f.advance(1);
    await invocation();
    f.advance(30);
    await invocation();
    await ssm.send(new ListCommandInvocationsCommand({ CommandId: Command?.CommandId, Details: true }));
    await assert.rejects(
      ssm.send(new SendCommandCommand({ DocumentName: 'AWS-RunShellScript', InstanceIds: [ids[1]] })),
      {
        name: 'InvalidInstanceId',
      },
    );
    await assert.rejects(
      ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: online,
          TimeoutSeconds: 1,
        }),
      ),
      { name: 'ValidationException' },
    );
    const answered = (service: 'ec2' | 'ssm') =>
      new Set(
        f.awsExchanges.filter((e) => e.service === service && e.statusCode === 200).map((e) => e.operation),
      );
    assert.deepEqual(
      EC2_OPERATIONS.filter((op) => !answered('ec2').has(op)),
      [],
    );
    assert.deepEqual(
      SSM_OPERATIONS.filter((op) => !answered('ssm').has(op)),
      [],
    );
  });

  it('CloudFormation: each served operation is in the model, and a tour answers every one as the model says', async () => {
    const model = loadServiceModel('cloudformation');
    assert.equal(model.metadata.apiVersion, '2010-05-15');
    for (const op of CLOUDFORMATION_OPERATIONS) assert.ok(model.operations[op], `cloudformation:${op}`);
    const cfn = f.cloudformation();
    const { items: [network] = [] } = await f.strict.send(new DescribeSourceNetworksCommand({}));
    const { job } = await f.strict.send(
      new StartSourceNetworkRecoveryCommand({
        sourceNetworks: [{ sourceNetworkID: network.sourceNetworkID as string, cfnStackName: 'drill-net' }],
      }),
    );
    f.advance(10);
    await cfn.send(new DescribeStacksCommand({}));
    const { job: done } = await runJobToCompletion(f, job?.jobID as string, 5);
    assert.equal(done.participatingResources?.[0].launchStatus, 'LAUNCHED');
    const { Stacks: [stack] = [] } = await cfn.send(new DescribeStacksCommand({ StackName: 'drill-net' }));
    await cfn.send(new DeleteStackCommand({ StackName: 'drill-net' }));
    f.advance(120);
    await cfn.send(new DescribeStacksCommand({ StackName: stack.StackId }));
    await assert.rejects(cfn.send(new DescribeStacksCommand({ StackName: 'drill-net' })), {
      name: 'ValidationError',
    });
    await assert.rejects(cfn.send(new DeleteStackCommand({ StackName: '' })), { name: 'ValidationError' });
    const answered = new Set(
      f.awsExchanges
        .filter((e) => e.service === 'cloudformation' && e.statusCode === 200)
        .map((e) => e.operation),
    );
    assert.deepEqual(
      CLOUDFORMATION_OPERATIONS.filter((op) => !answered.has(op)),
      [],
    );
    // the check itself catches an element the model lacks and a wrong enum value
    const answer = (member: string) =>
      `<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackName>s</StackName><CreationTime>2024-06-01T00:00:00Z</CreationTime>${member}</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>`;
    const check = (member: string) =>
      checkQueryXml(model, 'cloudformation', 'DescribeStacks', 200, answer(member));
    assert.deepEqual(check('<StackStatus>CREATE_COMPLETE</StackStatus>'), []);
    assert.equal(check('<StackStatus>DONE</StackStatus>').length, 1);
    assert.equal(check('<StackStatus>CREATE_COMPLETE</StackStatus><Vpc>v</Vpc>').length, 1);
  });

  it('EC2 and SSM checks catch an answer that differs from the model', () => {
    const ec2Model = loadServiceModel('ec2');
    const ssmModel = loadServiceModel('ssm');
    const xml = (item: string) =>
      `<DescribeInstanceStatusResponse><requestId>r</requestId><instanceStatusSet><item>${item}</item></instanceStatusSet></DescribeInstanceStatusResponse>`;
    assert.deepEqual(
      checkEc2Xml(ec2Model, 'DescribeInstanceStatus', 200, xml('<instanceId>i-1</instanceId>')),
      [],
    );
    assert.equal(
      checkEc2Xml(ec2Model, 'DescribeInstanceStatus', 200, xml('<instanceID>i-1</instanceID>')).length,
      1,
    );
    assert.equal(
      checkEc2Xml(
        ec2Model,
        'DescribeInstanceStatus',
        200,
        xml('<instanceStatus><status>fine</status></instanceStatus>'),
      ).length,
      1,
    );
    assert.equal(
      checkSsmJson(
        ssmModel,
        'DescribeInstanceInformation',
        200,
        '{"InstanceInformationList":[{"PingStatus":"Up"}]}',
      ).length,
      1,
    );
    assert.equal(checkSsmJson(ssmModel, 'SendCommand', 400, '{"__type":"InvocationDoesNotExist"}').length, 1);
  });
});
