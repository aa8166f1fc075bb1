// A plan's network step in the evidence page and the Markdown report: one row per source network
// (preflight, recovery, stack, cleanup), shared by both renderers.
import type { OperationReport } from './report';
import type { NetworkStepReport } from '../types-networks';

export const NETWORK_HEADER = [
  'Source network',
  'Replication',
  'Launch',
  'Result',
  'Stack',
  'Recovered VPC',
  'Cleanup',
  'Error',
];

/** The plan report's network step, when it had one. */
export function networkStepOf(report: OperationReport): NetworkStepReport | undefined {
  return (report as OperationReport & { network?: NetworkStepReport }).network;
}

/** One line saying what the step was and did. */
export function networkHeadline(step: NetworkStepReport): string {
  const job = step.jobId ? `, job ${step.jobId}` : '';
  const took = step.durationSeconds !== undefined ? ` in ${step.durationSeconds}s` : '';
  return `Network step (${step.mode}): ${step.status}${job}${took}${step.reason ? ` — ${step.reason}` : ''}`;
}

export function networkRows(step: NetworkStepReport): string[][] {
  const ids = [
    ...new Set([
      ...step.preflight.map((n) => n.sourceNetworkId),
      ...step.networks.map((n) => n.sourceNetworkId),
    ]),
  ];
  return ids.map((id) => {
    const seen = step.preflight.find((n) => n.sourceNetworkId === id);
    const done = step.networks.find((n) => n.sourceNetworkId === id);
    const cleanup = step.cleanup?.find((c) => c.stackName === done?.stackName);
    return [
      id,
      seen?.replicationStatus ?? '',
      done?.launchStatus ?? '',
      done?.result ?? '',
      done?.stackName ?? '',
      done?.recoveredVpcId ?? '',
      cleanup ? `${cleanup.status}${cleanup.reason ? ` (${cleanup.reason})` : ''}` : '',
      done?.error ?? '',
    ];
  });
}
