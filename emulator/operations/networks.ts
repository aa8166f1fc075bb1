// DRS's source network operations (restJson1): DescribeSourceNetworks and StartSourceNetworkRecovery.
// The lifecycle they start is in ../networks.ts.
import { drsErrors } from '../errors';
import {
  liveStack,
  networkState,
  startNetworkRecoveryJob,
  toSourceNetwork,
  type NetworkTarget,
} from '../networks';
import { toJob } from '../serialize';
import { RequestReader, type Body } from '../validation';
import { ok, post, type Handler, type OperationRoute } from './context';
import { listArgs, oneOf, listPage } from './drs-common';

const SOURCE_NETWORK_ID = /^sn-[0-9a-zA-Z]{17}$/;
// The model's CfnStackName, AccountID and AwsRegion patterns, unanchored as Smithy patterns are.
const CFN_STACK_NAME = /[a-zA-Z][-a-zA-Z0-9]*/;
const ACCOUNT_ID = /[0-9]{12,}/;
const AWS_REGION =
  /(us(-gov)?|ap|ca|cn|eu|eusc|sa|af|me|mx|il)-([a-z]{2}-)?(central|north|(north(?:east|west))|south|south(?:east|west)|east|west)-[0-9]/;

const describeSourceNetworks: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const filters = r.optionalObject('filters') ?? {};
  const wanted = oneOf(r.filterList('sourceNetworkIDs', { max: 100, pattern: SOURCE_NETWORK_ID }, filters));
  const originAccountID = r.boundedString(
    'originAccountID',
    { min: 12, max: 12, pattern: ACCOUNT_ID },
    filters,
    'filters.originAccountID',
  );
  const originRegion = r.boundedString(
    'originRegion',
    { max: 255, pattern: AWS_REGION },
    filters,
    'filters.originRegion',
  );
  const page = listArgs(r);
  r.done();
  const networks = [...networkState(ctx.partition).networks.values()].filter(
    (n) =>
      wanted(n.id) &&
      (originAccountID === undefined || n.originAccountID === originAccountID) &&
      (originRegion === undefined || n.originRegion === originRegion),
  );
  return listPage(networks, page, toSourceNetwork);
};

const startSourceNetworkRecovery: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const entries = r.objectList('sourceNetworks', { min: 1, max: 100 }, (entry: Body, label) => {
    const id = typeof entry.sourceNetworkID === 'string' ? entry.sourceNetworkID : undefined;
    if (!id || !SOURCE_NETWORK_ID.test(id))
      r.problem(`${label}.sourceNetworkID`, `must match ${SOURCE_NETWORK_ID.source}`);
    const stackName = r.boundedString(
      'cfnStackName',
      { min: 1, max: 128, pattern: CFN_STACK_NAME },
      entry,
      `${label}.cfnStackName`,
    );
    return { sourceNetworkID: id ?? '', cfnStackName: stackName };
  });
  const deployAsNew = r.optionalBoolean('deployAsNew') ?? false;
  const tags = r.tags();
  r.done();

  const state = networkState(ctx.partition);
  const names = new Set<string>();
  const targets: NetworkTarget[] = entries.map((entry) => {
    const network = state.networks.get(entry.sourceNetworkID);
    // the operation declares no ResourceNotFoundException: DRS refuses an unknown network as invalid
    if (!network) throw drsErrors.validation(`Source network ${entry.sourceNetworkID} not found`);
    if (ctx.partition.activeJobs.size > 0) {
      for (const job of ctx.partition.activeJobs) {
        if (network.lastRecovery?.jobID === job.id) {
          throw drsErrors.conflict(
            `Source network ${network.id} is being recovered by job ${job.id}`,
            network.id,
            'SOURCE_NETWORK',
          );
        }
      }
    }
    const previous = network.cfnStackName ? liveStack(state, network.cfnStackName) : undefined;
    const update = !deployAsNew && previous && previous.sourceNetworkID === network.id ? previous : undefined;
    const stackName = update?.stackName ?? entry.cfnStackName ?? `drs-network-${network.id}`;
    if (!update && liveStack(state, stackName)) {
      throw drsErrors.conflict(
        `A CloudFormation stack named ${stackName} already exists`,
        network.id,
        'SOURCE_NETWORK',
      );
    }
    if (names.has(stackName)) throw drsErrors.validation(`Stack name ${stackName} is requested twice`);
    names.add(stackName);
    return { network, stackName, ...(update ? { update } : {}) };
  });
  const { quotas } = ctx.store.config;
  if (ctx.partition.activeJobs.size >= quotas.maxConcurrentJobs) {
    throw drsErrors.quota(`At most ${quotas.maxConcurrentJobs} jobs may be in progress`, 'CONCURRENT_JOBS');
  }
  const job = startNetworkRecoveryJob(ctx.store, ctx.partition, targets, tags, ctx.now);
  return ok({ job: toJob(job) }, 202);
};

export const NETWORK_OPERATIONS: OperationRoute[] = [
  post('DescribeSourceNetworks', describeSourceNetworks),
  post('StartSourceNetworkRecovery', startSourceNetworkRecovery),
];
