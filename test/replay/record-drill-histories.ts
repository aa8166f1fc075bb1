// Records drsDrill histories for the replay test: runs each scenario on the time-skipping server
// against the emulator and writes test/histories/drsDrill-<scenario>.json. Run it after changing
// the workflow's shape on purpose (and commit the new files):
//   npx tsc -p tsconfig.json && node dist/test/replay/record-drill-histories.js [scenario ...]
import type { WorkflowHandle } from '@temporalio/client';
import { abortSignal } from '../../workflows/messages';
import { REGION, type DrillHarness } from '../helpers/drill-harness';
import { main } from './recorder';

const HOUR = 3600;

const scenarios: Record<string, (h: DrillHarness) => Promise<WorkflowHandle>> = {
  'pending-3h': async (h) => {
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: 3 * HOUR });
    return h.startDrill({ sourceServerIds: await h.healthyServers(3), region: REGION });
  },
  // the launch's capacity place goes to the cleanup, and each wait starts from the created job
  'hand-over-to-cleanup': async (h) =>
    h.startDrill({ sourceServerIds: await h.healthyServers(2), region: REGION }),
  // the run's evidence stored by its last activity, the manifest's hash in the memo (PATCHES.evidenceStore)
  'evidence-stored': async (h) =>
    h.startDrill({ sourceServerIds: await h.healthyServers(2), region: REGION }),
  'launch-failure': async (h) => {
    const servers = await h.healthyServers(3);
    await h.emulator.control.scenario({ type: 'launchFailure', sourceServerIds: [servers[1]] });
    return h.startDrill({ sourceServerIds: servers, region: REGION });
  },
  'abort-during-approval': async (h) => {
    const handle = await h.startDrill({
      sourceServerIds: await h.healthyServers(2),
      region: REGION,
      validation: { mode: 'approval' },
    });
    await h.waitForProgress(handle, (p) => p.phase === 'validating');
    await handle.signal(abortSignal, { reason: 'recorded abort' });
    return handle;
  },
  'cancel-during-hold': async (h) => {
    const handle = await h.startDrill({
      sourceServerIds: await h.healthyServers(2),
      region: REGION,
      validation: { mode: 'hold', holdSeconds: HOUR },
    });
    await h.waitForProgress(handle, (p) => p.phase === 'validating');
    await handle.cancel();
    return handle;
  },
  'lost-start-response-and-throttling': async (h) => {
    await h.emulator.control.faults({ operation: 'StartRecovery', dropResponses: 1 });
    await h.emulator.control.faults({ operation: 'DescribeJobs', throttleRate: 0.3 });
    return h.startDrill({ sourceServerIds: await h.healthyServers(3), region: REGION });
  },
  'repair-then-drill': async (h) => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [servers[0]],
      state: 'STALLED',
    });
    return h.startDrill({ sourceServerIds: servers, region: REGION, repairReplication: true });
  },
  'preflight-refused': async (h) => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [servers[0]],
      state: 'DISCONNECTED',
    });
    return h.startDrill({ sourceServerIds: servers, region: REGION });
  },
  'bad-input': (h) => h.startDrill({ sourceServerIds: [], region: 'nowhere' }),
  // since runs that end without their report store a minimal one (PATCHES.evidenceEveryEnd): bad
  // input, and a launch DRS refuses
  'bad-input-evidence': (h) => h.startDrill({ sourceServerIds: [], region: 'nowhere' }),
  'launch-denied-evidence': async (h) => {
    const servers = await h.healthyServers(1);
    await h.emulator.control.accessDenied({ operations: ['StartRecovery'] });
    return h.startDrill({ sourceServerIds: servers, region: REGION });
  },
  // boot evidence: one instance that does not boot, an in-guest check that fails on another
  'boot-evidence': async (h) => {
    const servers = await h.healthyServers(3);
    await h.emulator.control.scenario({ type: 'bootFailure', sourceServerIds: [servers[0]] });
    await h.emulator.control.scenario({ type: 'commandFailure', sourceServerIds: [servers[1]] });
    return h.startDrill({
      sourceServerIds: servers,
      region: REGION,
      checks: [{ type: 'ssm', commands: ['systemctl is-active nginx'] }],
    });
  },
  'abort-during-launch': async (h) => {
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR });
    const handle = await h.startDrill({ sourceServerIds: await h.healthyServers(2), region: REGION });
    await h.waitForProgress(handle, (p) => p.launchJobStatus === 'PENDING');
    await handle.signal(abortSignal, { reason: 'recorded abort' });
    return handle;
  },
};

// in-guest checks run only where the worker allows them
main(
  Object.entries(scenarios).map(([name, run]) => ({ name, file: `drsDrill-${name}.json`, run })),
  { guestChecks: { enabled: true, allowedDocuments: ['AWS-RunShellScript'] } },
);
