// Types of a plan's network step: DRS source networks (replicated VPC configurations) recovered with
// StartSourceNetworkRecovery as CloudFormation stacks before the plan's waves. Plain data only,
// safe in workflow code.

/** What DescribeSourceNetworks says of one network. */
export interface SourceNetworkInfo {
  sourceNetworkId: string;
  sourceVpcId?: string;
  /** STOPPED | IN_PROGRESS | PROTECTED | ERROR: only PROTECTED has a current copy of the VPC configuration. */
  replicationStatus?: string;
  replicationStatusDetails?: string;
  originRegion?: string;
  originAccountId?: string;
  cfnStackName?: string;
  launchedVpcId?: string;
  lastRecovery?: { jobId?: string; result?: string; at?: string };
}

export interface NetworkLookup {
  networks: SourceNetworkInfo[];
  /** Ids DescribeSourceNetworks does not list in this account and region. */
  unknown: string[];
}

/** One network of the recovery job as it ended. */
export interface NetworkRecoveryResult {
  sourceNetworkId: string;
  /** The job's participatingResources launchStatus: LAUNCHED or FAILED once the job ended. */
  launchStatus: string;
  /** The network's lastRecovery result (SUCCESS, FAIL, …). */
  result?: string;
  /** The CloudFormation stack DRS deployed, from the job log (what cleanup may delete). */
  stackName?: string;
  recoveredVpcId?: string;
  /** DRS's error from the job log when the deployment failed. */
  error?: string;
}

export interface NetworkJobOutcome {
  jobId: string;
  status: string;
  createdAt?: string;
  endedAt?: string;
  networks: NetworkRecoveryResult[];
}

export interface StackCleanupResult {
  stackName: string;
  stackId?: string;
  /** DELETE_COMPLETE; KEPT (keepStacks); NOT_FOUND (no such stack: nothing to delete); DELETE_FAILED. */
  status: string;
  reason?: string;
}

export type NetworkStepStatus = 'SUCCEEDED' | 'FAILED' | 'REFUSED';

/** The plan report's `network` section, in the evidence format of the other steps. */
export interface NetworkStepReport {
  mode: 'drill' | 'recovery';
  status: NetworkStepStatus;
  reason?: string;
  /** Each network as preflight saw it (replication status, details). */
  preflight: SourceNetworkInfo[];
  /** Networks not PROTECTED in a recovery: they recover from their last replicated configuration. */
  warnings: string[];
  jobId?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Job creation to its end, in seconds (DRS's own record). */
  durationSeconds?: number;
  networks: NetworkRecoveryResult[];
  /** Drill: what cleanup did with each stack this run created. */
  cleanup?: StackCleanupResult[];
}
