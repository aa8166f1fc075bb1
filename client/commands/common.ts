// Pieces every drsctl command shares: connection flags, the connected client, and report flags.
import { Command, Option } from 'commander';
import { resolveConnectionSettings, type ConnectionFlags } from '../connection';
import { ExitCode } from '../errors';
import { gatherEvidence } from '../evidence';
import { DrsOperationsClient, type RunResult } from '../lib';
import { createProgressRenderer } from '../progress';
import { writeReports, type Evidence, type ReportTargets } from '../reports';
import { PASSING_OUTCOMES, serverFailure, targetMisses } from '../../common/reports/report';
import { parseDuration } from '../durations';
import type { EvidenceRecord } from '../../workflows/evidence';

/**
 * Connection flags with the Temporal CLI's names. Each overrides its variable (named in the help)
 * and the profile file; common/temporal-connection.ts reads those itself.
 */
export function addConnectionOptions(program: Command): Command {
  return program
    .addOption(new Option('--address <host:port>', 'Temporal frontend (TEMPORAL_ADDRESS)'))
    .addOption(new Option('-n, --namespace <name>', 'Temporal namespace (TEMPORAL_NAMESPACE)'))
    .addOption(new Option('--api-key <key>', 'API key (Temporal Cloud); implies TLS (TEMPORAL_API_KEY)'))
    .addOption(new Option('--tls', 'connect with TLS (TEMPORAL_TLS; implied by an API key or TLS files)'))
    .addOption(
      new Option('--tls-cert-path <file>', 'mTLS client certificate (PEM) (TEMPORAL_TLS_CLIENT_CERT_PATH)'),
    )
    .addOption(new Option('--tls-key-path <file>', 'mTLS client key (PEM) (TEMPORAL_TLS_CLIENT_KEY_PATH)'))
    .addOption(
      new Option(
        '--tls-ca-path <file>',
        'CA bundle for the server certificate (PEM) (TEMPORAL_TLS_SERVER_CA_CERT_PATH)',
      ),
    )
    .addOption(
      new Option(
        '--tls-server-name <name>',
        'server name to verify (SNI override) (TEMPORAL_TLS_SERVER_NAME)',
      ),
    )
    .addOption(new Option('--task-queue <name>', 'task queue the DRS worker polls (TEMPORAL_TASK_QUEUE)'))
    .addOption(
      new Option(
        '--connect-timeout <duration>',
        'give up (exit 3) when Temporal does not answer in time',
      ).default('10s'),
    );
}

interface GlobalFlags extends Omit<ConnectionFlags, 'connectTimeout'> {
  connectTimeout: string;
}

/** Connects with the global flags, runs `fn`, always closes the connection. */
export async function withClient<T>(
  command: Command,
  fn: (client: DrsOperationsClient) => Promise<T>,
): Promise<T> {
  const flags = command.optsWithGlobals<GlobalFlags>();
  const settings = resolveConnectionSettings({
    ...flags,
    connectTimeout: parseDuration(flags.connectTimeout, '--connect-timeout'),
  });
  const client = await DrsOperationsClient.connect(settings);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

export interface WaitFlags extends ReportTargets {
  pollInterval: string;
}

export function addReportOptions(command: Command): Command {
  return command
    .option('--report-json <file>', 'write the report as JSON')
    .option('--report-junit <file>', 'write the report as JUnit XML (one test case per source server)')
    .option(
      '--report-md [file]',
      'write the report as Markdown (also appended to $GITHUB_STEP_SUMMARY when set)',
    )
    .option(
      '--report-html <file>',
      'write the evidence report: one self-contained HTML page with the timeline (see drsctl report)',
    )
    .option('--poll-interval <duration>', 'how often to read progress while waiting', '2s');
}

/** Waits with live progress, writes the reports, prints the outcome; returns the exit code. */
export async function waitAndReport(
  client: DrsOperationsClient,
  workflowId: string,
  flags: WaitFlags,
  runId?: string,
): Promise<ExitCode> {
  const renderer = createProgressRenderer();
  let result: RunResult;
  try {
    result = await client.waitForResult(workflowId, {
      runId,
      pollIntervalMs: parseDuration(flags.pollInterval, '--poll-interval'),
      onProgress: (p) => renderer.update(p),
    });
  } finally {
    renderer.finish();
  }
  const evidence = flags.reportHtml ? await gatherEvidence(client, result) : undefined;
  return reportResult(result, flags, evidence);
}

export function reportResult(result: RunResult, flags: ReportTargets, evidence?: Evidence): ExitCode {
  const { report } = result;
  for (const path of writeReports(report, flags, process.env, evidence))
    console.error(`report written: ${path}`);
  console.log(
    `${report.operation} ${result.workflowId}: ${report.outcome}${report.summary ? ` - ${report.summary}` : ''}`,
  );
  for (const server of report.servers) {
    const failure = serverFailure(server);
    const misses = targetMisses(server);
    console.log(
      `  ${server.sourceServerId}: ${failure ? `FAILED (${failure})` : 'passed'}${misses.length ? `; target missed: ${misses.join(', ')}` : ''}`,
    );
  }
  if (report.targetsMet === false) console.log('recovery-time targets missed');
  const stored = report.evidence as EvidenceRecord | undefined;
  if (stored?.stored)
    console.error(`evidence stored: ${stored.folder} (manifest SHA-256 ${stored.manifestSha256})`);
  else if (stored) console.error(`evidence NOT stored: ${stored.error}`);
  return outcomeExitCode(result);
}

/** 0 only for a SUCCEEDED run that met its targets: a missed target fails the job whatever the launch did. */
export function outcomeExitCode(result: RunResult): ExitCode {
  if (result.invalidInput) return ExitCode.BAD_INPUT;
  const { outcome, targetsMet } = result.report;
  return PASSING_OUTCOMES.includes(outcome) && targetsMet !== false
    ? ExitCode.SUCCEEDED
    : ExitCode.OPERATION_FAILED;
}

/** Collects a repeatable flag; comma-separated values count as several. */
export function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}
