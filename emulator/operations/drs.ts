// The DRS operation table (restJson1, API version 2020-02-26): one route per operation. The handlers
// live in one file per resource; each validates its input the way the service model does.
import { deleteLaunchAction, listLaunchActions, putLaunchAction } from './launch-actions';
import { reverseReplication, stopFailback } from './reprotect';
import { EXTENSION_OPERATIONS } from './extension';
import { NETWORK_OPERATIONS } from './networks';
import { post, type Handler, type OperationRoute } from './context';
import { describeJobLogItems, describeJobs, startRecovery } from './jobs';
import {
  createExtendedSourceServer,
  describeRecoverySnapshots,
  describeSourceServers,
  disconnectSourceServer,
  listExtensibleSourceServers,
  listStagingAccounts,
  retryDataReplication,
  startReplication,
  stopReplication,
} from './source-servers';
import {
  deleteRecoveryInstance,
  describeRecoveryInstances,
  disconnectRecoveryInstance,
  startFailbackLaunch,
  terminateRecoveryInstances,
} from './recovery-instances';
import {
  describeLaunchConfigurationTemplates,
  getLaunchConfiguration,
  getReplicationConfiguration,
  updateLaunchConfiguration,
} from './configuration';
import { listTagsForResource, tagResource, untagResource } from './tags';

const initializeService: Handler = (ctx) => {
  ctx.partition.initialized = true;
  return { statusCode: 204 };
};

export const DRS_OPERATIONS: OperationRoute[] = [
  post('StartRecovery', startRecovery),
  post('DescribeJobs', describeJobs),
  post('DescribeJobLogItems', describeJobLogItems),
  post('TerminateRecoveryInstances', terminateRecoveryInstances),
  post('DescribeRecoveryInstances', describeRecoveryInstances),
  post('DescribeSourceServers', describeSourceServers),
  post('RetryDataReplication', retryDataReplication),
  post('StopReplication', stopReplication),
  post('StartReplication', startReplication),
  post('DisconnectSourceServer', disconnectSourceServer),
  post('DisconnectRecoveryInstance', disconnectRecoveryInstance),
  post('StartFailbackLaunch', startFailbackLaunch),
  post('ReverseReplication', reverseReplication),
  post('StopFailback', stopFailback),
  post('ListExtensibleSourceServers', listExtensibleSourceServers),
  post('CreateExtendedSourceServer', createExtendedSourceServer),
  post('GetLaunchConfiguration', getLaunchConfiguration),
  post('UpdateLaunchConfiguration', updateLaunchConfiguration),
  post('GetReplicationConfiguration', getReplicationConfiguration),
  post('DescribeLaunchConfigurationTemplates', describeLaunchConfigurationTemplates),
  post('DescribeRecoverySnapshots', describeRecoverySnapshots),
  post('DeleteRecoveryInstance', deleteRecoveryInstance),
  post('PutLaunchAction', putLaunchAction),
  post('ListLaunchActions', listLaunchActions),
  post('DeleteLaunchAction', deleteLaunchAction),
  ...EXTENSION_OPERATIONS,
  { ...post('InitializeService', initializeService), needsInitializedAccount: false },
  {
    name: 'ListStagingAccounts',
    method: 'GET',
    path: '/ListStagingAccounts',
    handler: listStagingAccounts,
    needsInitializedAccount: true,
  },
  {
    name: 'ListTagsForResource',
    method: 'GET',
    path: '/tags/',
    handler: listTagsForResource,
    // the tagging operations declare no UninitializedAccountException
    needsInitializedAccount: false,
  },
  {
    name: 'TagResource',
    method: 'POST',
    path: '/tags/',
    handler: tagResource,
    needsInitializedAccount: false,
  },
  {
    name: 'UntagResource',
    method: 'DELETE',
    path: '/tags/',
    handler: untagResource,
    needsInitializedAccount: false,
  },
  ...NETWORK_OPERATIONS,
];
