// In-guest checks through SSM Run Command, on this run's own launched instances only (the workflow
// passes the EC2 ids DRS listed for its launch job; nothing here looks instances up by any other
// means). The worker's configuration decides whether they run at all and which documents they may
// use (DRS_SSM_CHECKS, DRS_SSM_DOCUMENTS): the workflow asks for that rule before any DRS call and
// each send checks it again. SendCommand is sent once per check (a retried attempt finds the
// command its stage sent), and the invocation is polled (retry-as-poll) until it ends.
import {
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  paginateDescribeInstanceInformation,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { ApplicationFailure } from '@temporalio/common';
import { excerptOf, guestCheckVerdict } from '../common/boot-evidence';
import type { GuestCheckPolicy } from '../common/config';
import type { GuestCheck } from '../common/inputs-boot';
import type { GuestCheckRecord } from '../common/types';
import { BatchedReader } from './batched-reads';
import { BOOT_POLL_MS, type InstanceTarget } from './boot';
import type { AwsClientFactory } from './drs-client';
import { classifyDrsError, drsCall } from './errors';
import { mayHaveRunBefore } from './idempotency';
import { aligned, serverNow } from './server-clock';
import { stillWaiting } from './polling';

/** DescribeInstanceInformation's InstanceIds filter takes at most 50 ids. */
const MAX_SSM_INSTANCE_IDS = 50;
/** SendCommand's Comment is at most 100 characters. */
const MAX_COMMENT = 100;
/** Invocation states that have not ended yet. */
const RUNNING = new Set(['Pending', 'InProgress', 'Delayed', 'Cancelling']);

export const GUEST_CHECKS_OFF: GuestCheckPolicy = { enabled: false, allowedDocuments: [] };

interface AgentRead {
  pingStatus?: string;
  lastPing?: string;
}

interface SendGuestCheckInput extends InstanceTarget {
  check: GuestCheck & { name: string };
  /** Marks the command as this run's stage (SendCommand's Comment), for the lookup on a retry. */
  workflowId: string;
  /** The workflow's time just before the stage's first attempt. */
  notBeforeMs: number;
}

/** The mark of a run's check on its command: found again by a retried attempt. */
function commandComment(workflowId: string, checkName: string): string {
  return `temporal-drs ${workflowId} ${checkName}`.slice(0, MAX_COMMENT);
}

/** The document's parameters: the commands and the time they may run. */
function parameters(check: GuestCheck): Record<string, string[]> {
  return { commands: check.commands, executionTimeout: [String(check.timeoutSeconds)] };
}

export function createGuestCheckActivities(clients: AwsClientFactory, policy: GuestCheckPolicy) {
  const agents = new BatchedReader<SSMClient, AgentRead>(MAX_SSM_INSTANCE_IDS, (client, ids) =>
    drsCall('DescribeInstanceInformation', async () => {
      const found = new Map<string, AgentRead>();
      const pages = paginateDescribeInstanceInformation(
        { client },
        { Filters: [{ Key: 'InstanceIds', Values: ids }] },
      );
      for await (const page of pages)
        for (const info of page.InstanceInformationList ?? [])
          found.set(info.InstanceId ?? '', {
            pingStatus: info.PingStatus,
            lastPing: info.LastPingDateTime?.toISOString(),
          });
      return found;
    }),
  );

  /** The worker's rule for in-guest checks: whether they run, and the documents they may name. */
  async function guestCheckPolicy(): Promise<GuestCheckPolicy> {
    return policy;
  }

  /** Retry-as-poll: returns once SSM lists the instance's agent Online (DescribeInstanceInformation, batched). */
  async function awaitSsmAgent(input: InstanceTarget): Promise<{ onlineAt: string; pingStatus: string }> {
    const now = serverNow();
    const read = await agents.get(clients.ssmClient(input.region, input.accountId), input.ec2InstanceId);
    if (read?.pingStatus === 'Online') return { onlineAt: new Date(now).toISOString(), pingStatus: 'Online' };
    throw stillWaiting(
      `${input.ec2InstanceId}: SSM agent ${read ? read.pingStatus : 'not registered'}`,
      aligned(now, BOOT_POLL_MS),
    );
  }

  /** SendCommand of one check to the instance, once per stage; the command id. */
  async function sendGuestCheck(input: SendGuestCheckInput): Promise<{ commandId: string }> {
    const { check } = input;
    if (!policy.enabled || !policy.allowedDocuments.includes(check.document))
      throw ApplicationFailure.nonRetryable(
        `in-guest check ${check.name}: document ${check.document} may not run on this worker`,
        'GuestCheckRefused',
      );
    const client = clients.ssmClient(input.region, input.accountId);
    const comment = commandComment(input.workflowId, check.name);
    if (mayHaveRunBefore()) {
      const sent = await drsCall('ListCommandInvocations', () =>
        client.send(new ListCommandInvocationsCommand({ InstanceId: input.ec2InstanceId })),
      );
      const earlier = (sent.CommandInvocations ?? []).find(
        (c) =>
          c.Comment === comment &&
          c.DocumentName === check.document &&
          (c.RequestedDateTime?.getTime() ?? 0) >= input.notBeforeMs - 10 * 60_000,
      );
      if (earlier?.CommandId) return { commandId: earlier.CommandId };
    }
    const out = await drsCall('SendCommand', () =>
      client.send(
        new SendCommandCommand({
          InstanceIds: [input.ec2InstanceId],
          DocumentName: check.document,
          Parameters: parameters(check),
          TimeoutSeconds: check.timeoutSeconds,
          Comment: comment,
        }),
      ),
    );
    return { commandId: out.Command?.CommandId ?? '' };
  }

  /**
   * Retry-as-poll on the command's invocation on the instance (GetCommandInvocation; SSM answers
   * InvocationDoesNotExist right after SendCommand): returns the check's record once it ended.
   */
  async function awaitGuestCheck(
    input: InstanceTarget & { check: GuestCheck & { name: string }; commandId: string },
  ): Promise<GuestCheckRecord> {
    const now = serverNow();
    const client = clients.ssmClient(input.region, input.accountId);
    const { check } = input;
    let out;
    try {
      out = await client.send(
        new GetCommandInvocationCommand({ CommandId: input.commandId, InstanceId: input.ec2InstanceId }),
      );
    } catch (err) {
      if ((err as Error).name === 'InvocationDoesNotExist')
        throw stillWaiting(`command ${input.commandId} not listed yet`, aligned(now, BOOT_POLL_MS));
      throw classifyDrsError('GetCommandInvocation', err);
    }
    const status = out.Status ?? 'Pending';
    if (RUNNING.has(status))
      throw stillWaiting(`command ${input.commandId} is ${status}`, aligned(now, BOOT_POLL_MS));
    const stdout = out.StandardOutputContent ?? '';
    const exitCode = out.ResponseCode === undefined || out.ResponseCode < 0 ? undefined : out.ResponseCode;
    const verdict = guestCheckVerdict({ status, exitCode, stdout }, check);
    const started = Date.parse(out.ExecutionStartDateTime ?? '');
    const ended = Date.parse(out.ExecutionEndDateTime ?? '');
    const output = stdout || out.StandardErrorContent || '';
    return {
      name: check.name,
      document: check.document,
      commands: check.commands,
      commandId: input.commandId,
      status,
      ...(exitCode === undefined ? {} : { exitCode }),
      expectedExitCode: check.expectedExitCode,
      ...(check.outputPattern ? { outputPattern: check.outputPattern } : {}),
      passed: verdict.passed,
      ...(Number.isFinite(started) && Number.isFinite(ended)
        ? { durationSeconds: Math.max(0, Math.round((ended - started) / 100) / 10) }
        : {}),
      ...(verdict.passed ? { passedAt: new Date(now).toISOString() } : {}),
      ...(output ? { output: excerptOf(output) } : {}),
      ...(verdict.why ? { error: verdict.why } : {}),
    };
  }

  return { guestCheckPolicy, awaitSsmAgent, sendGuestCheck, awaitGuestCheck };
}
