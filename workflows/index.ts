// Every workflow the worker registers. Type names are stable: the UI, CI and schedules start them
// by name. drsCapacity is the capacity queue every run shares (one per account and region).
import { setWorkflowOptions } from '@temporalio/workflow';
import { drsCapacity } from './capacity';
import { drsDrill } from './drill';
import { drsFailback } from './failback';
import { drsPlan } from './plan';
import { drsRecovery } from './recovery';
import { drsReplication } from './replication';

export { drsDrill, drsRecovery, drsFailback, drsReplication, drsPlan, drsCapacity };

// What a run does when a new build becomes the current version (Worker Versioning on, i.e.
// TEMPORAL_DEPLOYMENT_NAME set; ignored otherwise). AUTO_UPGRADE: its next task runs on the new
// build, so a change to its code must be behind patched() (docs/deployment.md). PINNED: it stays
// on the build that started it, which must keep running until the run ends.
//
// Drills and failovers wait days on approval and 24-hour launch deadlines, failback waits for
// readiness, plans outlast all of them, and the capacity queue never ends (it continues as new):
// pinning those would keep every old build running for days, and a failover must not stall
// because its build was retired. They move on, with patched().
const autoUpgrade = { versioningBehavior: 'AUTO_UPGRADE' } as const;
setWorkflowOptions(autoUpgrade, drsDrill);
setWorkflowOptions(autoUpgrade, drsRecovery);
setWorkflowOptions(autoUpgrade, drsFailback);
setWorkflowOptions(autoUpgrade, drsPlan);
setWorkflowOptions(autoUpgrade, drsCapacity);
// Replication control ends in minutes (a repair within its timeoutSeconds, 6 hours by default)
// and has no gate to wait on: its runs drain from an old build within hours, so they need no patches.
setWorkflowOptions({ versioningBehavior: 'PINNED' }, drsReplication);
