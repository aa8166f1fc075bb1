// The running record every launch keeps, a drill's (DrillRecord) and a failover's (RecoveryRecord):
// per-server state, the launch job, phase timings, the approval, and the report and progress fields
// every launch has. Each operation adds its own fields in its record. The launch itself is in
// launch.ts. Deterministic (workflow time only).
import type {
  Approval,
  DrillInstance,
  DrillPhase,
  DrillProgress,
  DrillServerReport,
  JobView,
  LaunchReport,
  Outcome,
  ServerBootReport,
} from '../common/types';
import type { DrillSpec } from '../common/inputs';
import type { RunSoFar } from './end-evidence';
import type { Approvers } from './approvals';
import { jobTimes, serverStepTimes, type JobStep, type JobTimes } from '../common/job-log';
import type { SourceServerHealth } from '../common/drill-rules';
import { UNFINISHED_BOOT } from '../common/boot-evidence';
import { applyTargets, mergeTargets, rtoMeasureOf } from '../common/targets';
import { CapacityWaiter } from './capacity-waiter';
import { OperationRecord, markOutcome, seconds } from './operation-record';

/** What the record reads of a spec (the validated input): drsDrill's and drsRecovery's both have it. */
export type LaunchSpec = Pick<
  DrillSpec,
  'sourceServerIds' | 'recoverySnapshotIds' | 'region' | 'accountId' | 'targets' | 'serverTargets'
>;

export abstract class LaunchRecord<Report extends LaunchReport = LaunchReport> extends OperationRecord<
  DrillPhase,
  LaunchSpec,
  Report
> {
  /** This run's places in the account's capacity queue. */
  readonly capacity = new CapacityWaiter();
  readonly servers = new Map<string, DrillServerReport>();
  /** Each server's step in the launch job, by its log. */
  private readonly steps = new Map<string, JobStep>();
  launchJob?: JobView;
  launchRequestedAtMs?: number;
  /** The own times of the run's jobs once each ended, by role: the launch job, a drill's terminate job. */
  protected readonly jobTimes: { launch?: JobTimes; terminate?: JobTimes } = {};
  /** The gate waiting for `approve` right now (drsDrill: `validation`, drsRecovery: `confirmation`). */
  openGate?: string;
  approval?: Approval;
  /** Who may open the gate (workflows/approvals.ts). */
  approvers?: Approvers;
  /** This run follows its instances to boot evidence (false on the path of runs recorded before). */
  bootEvidence = false;

  constructor(workflowId: string) {
    super(workflowId, 'validating-input');
  }

  start(spec: LaunchSpec): void {
    this.spec = spec;
    for (const id of spec.sourceServerIds) {
      this.servers.set(id, {
        sourceServerId: id,
        launchStatus: 'NOT_LAUNCHED',
        recoverySnapshotId: spec.recoverySnapshotIds[id],
        errors: [],
      });
    }
  }

  get phase(): DrillPhase {
    return this.phases.phase;
  }

  /** Enters `phase` (and sets the DrsPhase search attribute), as of `sinceMs` when given. */
  enterPhase(phase: DrillPhase, sinceMs?: number): void {
    this.phases.enter(phase, true, sinceMs);
  }

  /**
   * When the last launched server was launched (the StartRecovery request plus the longest time to
   * launch). The launch job often runs on after that, while the instances boot: that wait belongs
   * to `booting`, not to `launching`.
   */
  launchedAtMs(): number | undefined {
    const times = [...this.servers.values()].flatMap((s) =>
      s.launchStatus === 'LAUNCHED' && s.timeToLaunchSeconds !== undefined ? [s.timeToLaunchSeconds] : [],
    );
    if (times.length === 0) return undefined;
    return (this.launchRequestedAtMs ?? this.startedAtMs) + Math.max(...times) * 1000;
  }

  notePreflight(health: SourceServerHealth[]): void {
    for (const h of health) {
      const server = this.servers.get(h.sourceServerId);
      if (server) server.replicationLagSeconds = h.lagSeconds;
    }
  }

  /**
   * Records a launch job state. Times come from the job's own record once it has ended (its log
   * read with the COMPLETED state); until then, and for histories from before logs were read, the
   * first poll that saw a server LAUNCHED stands in.
   */
  noteLaunchJob(job: JobView): void {
    this.launchJob = job;
    const requested = this.launchRequestedAtMs ?? this.startedAtMs;
    for (const s of job.servers) {
      const server = this.servers.get(s.sourceServerId);
      if (!server || !s.launchStatus) continue;
      if (s.launchStatus === 'LAUNCHED' && server.launchStatus !== 'LAUNCHED') {
        server.timeToLaunchSeconds = seconds(Date.now() - requested);
      }
      server.launchStatus = s.launchStatus;
      if (s.recoveryInstanceId) server.recoveryInstanceId ??= s.recoveryInstanceId;
    }
    const { timeline } = job;
    if (!timeline) return;
    for (const steps of timeline.servers) {
      const server = this.servers.get(steps.sourceServerId);
      if (!server) continue;
      this.steps.set(steps.sourceServerId, steps.step);
      server.steps = serverStepTimes(timeline, steps);
      const launchEnd = steps.launch?.[1];
      if (server.launchStatus === 'LAUNCHED' && launchEnd !== undefined)
        server.timeToLaunchSeconds = Math.round(launchEnd);
    }
    if (job.status === 'COMPLETED') this.jobTimes.launch = jobTimes(job.jobId, timeline);
  }

  noteInstances(instances: DrillInstance[]): void {
    // Data age: how old the recovered data was when the launch finished (DRS's clock on both sides).
    const launchEnded = Date.parse(this.launchJob?.endDateTime ?? '') || Date.now();
    for (const instance of instances) {
      const server = this.servers.get(instance.sourceServerId);
      if (!server) continue;
      server.recoveryInstanceId = instance.recoveryInstanceId;
      server.ec2InstanceId = instance.ec2InstanceId;
      server.pointInTime = instance.pointInTime;
      const snapshot = Date.parse(instance.pointInTime ?? '');
      if (Number.isFinite(snapshot)) server.dataAgeSeconds = seconds(launchEnded - snapshot);
    }
  }

  /**
   * Records a server's boot evidence as it stands; once it FAILED the server is a failed one, once
   * it PASSED its time to healthy counts from the StartRecovery request.
   */
  noteBoot(sourceServerId: string, boot: ServerBootReport): void {
    const server = this.servers.get(sourceServerId);
    if (!server) return;
    server.boot = boot;
    if (boot.result === 'FAILED') server.errors.push(`boot: ${boot.reason}`);
    const healthy = Date.parse(boot.healthyAt ?? '');
    if (boot.result === 'PASSED' && Number.isFinite(healthy))
      server.timeToHealthySeconds = seconds(healthy - (this.launchRequestedAtMs ?? this.startedAtMs));
  }

  serverError(sourceServerId: string, message: string): void {
    this.servers.get(sourceServerId)?.errors.push(message);
  }

  launchedServerIds(): string[] {
    return [...this.servers.values()]
      .filter((s) => s.launchStatus === 'LAUNCHED')
      .map((s) => s.sourceServerId);
  }

  outcome(): Outcome {
    if (this.abortReason !== undefined) return 'ABORTED';
    // A drill-level error (a deadline, a DRS refusal, a failed cleanup) fails the drill as a whole;
    // per-server errors make it PARTIAL while at least one server launched and passed validation.
    if (this.errors.length > 0) return 'FAILED';
    const servers = [...this.servers.values()];
    const good = servers.filter(
      (s) => s.launchStatus === 'LAUNCHED' && s.healthy !== false && s.errors.length === 0,
    );
    if (good.length === servers.length) return 'SUCCEEDED';
    return good.length === 0 ? 'FAILED' : 'PARTIAL';
  }

  /** What a run that ended without a report knew (its end evidence). */
  soFar(): RunSoFar {
    return {
      ...this.reportTarget(),
      servers: [...this.servers.values()],
      ...(this.launchJob ? { launchJobId: this.launchJob.jobId } : {}),
    };
  }

  /**
   * Every launch's report fields as of now, with the operation's own `jobs` fields after the launch
   * job's id (a drill's terminate job); the operation adds the rest.
   */
  protected launchReport<Jobs extends object>(summary: string, jobs: Jobs) {
    this.phases.enter('done', false); // markOutcome sets DrsPhase with the outcome
    const servers = [...this.servers.values()];
    const { targets, serverTargets = {} } = this.spec ?? {};
    const rtoMeasure = rtoMeasureOf(servers);
    const targetsMet = applyTargets(
      servers,
      (s) => mergeTargets(targets, serverTargets[s.sourceServerId]),
      rtoMeasure,
    );
    return {
      workflowId: this.workflowId,
      outcome: this.outcome(),
      ...this.reportTarget(),
      servers,
      launchJobId: this.launchJob?.jobId,
      ...jobs,
      ...this.jobTimesField(),
      ...(this.approval ? { approval: this.approval } : {}),
      ...(targetsMet === undefined ? {} : { targetsMet }),
      ...(servers.some((s) => s.boot) ? { rtoMeasure } : {}),
      ...this.reportClosing(summary),
    };
  }

  /** Keeps the operation's report as the run's, and sets the outcome's search attributes. */
  protected finished(report: Report): Report {
    this.report = report;
    markOutcome(report.outcome);
    return report;
  }

  /** The jobs' own times, once a job ended: one field shared by the report and `progress`. */
  protected jobTimesField(): Pick<DrillProgress, 'jobTimes'> {
    return this.jobTimes.launch || this.jobTimes.terminate ? { jobTimes: { ...this.jobTimes } } : {};
  }

  /** Where the launch stands, for `progress`: the phase, a wait for capacity, the launch job. */
  protected launchProgress(): Pick<DrillProgress, 'phase' | 'capacity' | 'launchJobId' | 'launchJobStatus'> {
    return {
      phase: this.phase,
      ...(this.capacity.status() ? { capacity: this.capacity.status() } : {}),
      launchJobId: this.launchJob?.jobId,
      launchJobStatus: this.launchJob?.status,
    };
  }

  /** Each server as `progress` shows it. */
  protected serverProgress(): DrillProgress['servers'] {
    return [...this.servers.values()].map((s) => ({
      sourceServerId: s.sourceServerId,
      launchStatus: s.launchStatus,
      recoveryInstanceId: s.recoveryInstanceId,
      ...(this.steps.has(s.sourceServerId) ? { step: this.steps.get(s.sourceServerId) } : {}),
      ...(s.timeToLaunchSeconds === undefined ? {} : { timeToLaunchSeconds: s.timeToLaunchSeconds }),
      ...(s.boot?.reason === UNFINISHED_BOOT ? {} : s.boot ? { boot: s.boot.result } : {}),
      ...(s.timeToHealthySeconds === undefined ? {} : { timeToHealthySeconds: s.timeToHealthySeconds }),
    }));
  }
}
