// SSM (JSON 1.1, `X-Amz-Target: AmazonSSM.<Operation>`, API version 2014-11-06) for the instances
// the emulator launches: DescribeInstanceInformation, SendCommand, GetCommandInvocation and
// ListCommandInvocations. Only instances whose agent registered (PingStatus Online) take commands;
// any other id is SSM's InvalidInstanceId. Commands are not executed (see commands.ts).
import type { IncomingHttpHeaders } from 'node:http';
import { commandStatus, invocationAt, planInvocation as planFor } from '../commands';
import { ssmErrors, type DrsError } from '../errors';
import { ec2State } from '../guests';
import type { CommandRecord, GuestRecord, InvocationRecord } from '../model';
import { ids as newId } from '../random';
import type { DecodedCall, Protocol, ProtocolContext, WireResponse } from './protocol';

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const INSTANCE_ID = /(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)/;
const DOCUMENT_NAME = /^[a-zA-Z0-9_\-.:/]{3,128}$/;
const AGENT_VERSION = '3.3.1142.0';
/** The documents the emulator knows, with their plugin and platforms. */
const DOCUMENTS: Record<string, { plugin: string; platforms: ('Linux' | 'Windows')[] }> = {
  'AWS-RunShellScript': { plugin: 'aws:runShellScript', platforms: ['Linux'] },
  'AWS-RunPowerShellScript': { plugin: 'aws:runPowerShellScript', platforms: ['Windows', 'Linux'] },
};

type Json = Record<string, unknown>;

const LOWERCASE_MESSAGE = new Set([
  'InvalidInstanceInformationFilterValue',
  'ValidationException',
  'ThrottlingException',
  'SerializationException',
  'UnknownOperationException',
]);

const ok = (body: unknown): WireResponse => ({
  statusCode: 200,
  contentType: CONTENT_TYPE,
  body: JSON.stringify(body),
});

const seconds = (ms: number): number => ms / 1000;

/** Smithy-style validation: every problem, as "Value 'x' at 'member' failed to satisfy constraint: …". */
class Checker {
  readonly problems: string[] = [];
  constructor(private readonly body: Json) {}

  value(name: string): unknown {
    return this.body[name];
  }

  fail(name: string, value: unknown, constraint: string): void {
    this.problems.push(
      `Value '${typeof value === 'string' ? value : JSON.stringify(value)}' at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: ${constraint}`,
    );
  }

  string(
    name: string,
    rules: { required?: boolean; min?: number; max?: number; pattern?: RegExp } = {},
  ): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) {
      if (rules.required) this.fail(name, null, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.fail(name, value, 'Member must be a string');
      return undefined;
    }
    if (rules.min !== undefined && value.length < rules.min)
      this.fail(name, value, `Member must have length greater than or equal to ${rules.min}`);
    else if (rules.max !== undefined && value.length > rules.max)
      this.fail(name, value, `Member must have length less than or equal to ${rules.max}`);
    else if (rules.pattern && !rules.pattern.test(value))
      this.fail(name, value, `Member must satisfy regular expression pattern: ${rules.pattern.source}`);
    return value;
  }

  int(name: string, min: number, max: number): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail(name, value, 'Member must be an integer');
      return undefined;
    }
    if (value < min) this.fail(name, value, `Member must have value greater than or equal to ${min}`);
    else if (value > max) this.fail(name, value, `Member must have value less than or equal to ${max}`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(name, value, 'Member must be a boolean');
    return value === true;
  }

  idList(name: string, max: number): string[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      this.fail(name, value, 'Member must be a list of strings');
      return undefined;
    }
    if (value.length > max) this.fail(name, value, `Member must have length less than or equal to ${max}`);
    for (const id of value as string[]) {
      if (!INSTANCE_ID.test(id)) {
        this.fail(name, id, `Member must satisfy regular expression pattern: ${INSTANCE_ID.source}`);
      }
    }
    return value as string[];
  }

  done(): void {
    if (this.problems.length > 0) throw ssmErrors.validation(this.problems);
  }
}

/** Offset cursors: the listings are small and ordered by creation. */
function page<T>(items: T[], nextToken: string | undefined, size: number): { items: T[]; next?: string } {
  let offset = 0;
  if (nextToken !== undefined) {
    const match = /^ssm-emulator:(\d+)$/.exec(Buffer.from(nextToken, 'base64url').toString());
    if (!match) throw ssmErrors.invalidNextToken();
    offset = Number(match[1]);
  }
  const slice = items.slice(offset, offset + size);
  const more = items.length > offset + size;
  return {
    items: slice,
    ...(more ? { next: Buffer.from(`ssm-emulator:${offset + size}`).toString('base64url') } : {}),
  };
}

function online(guest: GuestRecord): boolean {
  return guest.agentAt !== undefined && ec2State(guest).name === 'running';
}

function instanceInformation(guest: GuestRecord, now: number): Json {
  const windows = guest.platform === 'Windows';
  return {
    InstanceId: guest.instanceId,
    PingStatus: online(guest) ? 'Online' : 'ConnectionLost',
    LastPingDateTime: seconds(online(guest) ? now : (guest.terminatedAt ?? now)),
    AgentVersion: AGENT_VERSION,
    IsLatestVersion: false,
    PlatformType: guest.platform,
    PlatformName: windows ? 'Microsoft Windows Server 2019 Datacenter' : 'Amazon Linux',
    PlatformVersion: windows ? '10.0.17763' : '2',
    ResourceType: 'EC2Instance',
    IPAddress: guest.privateIp,
    ComputerName: `${guest.hostname}.corp.example.com`,
    SourceId: guest.instanceId,
    SourceType: 'AWS::EC2::Instance',
  };
}

function describeInstanceInformation(ctx: ProtocolContext, body: Json): WireResponse {
  const c = new Checker(body);
  const maxResults = c.int('MaxResults', 5, 50);
  const nextToken = c.string('NextToken');
  const wanted: { key: string; values: string[] }[] = [];
  for (const [member, keyName, valuesName] of [
    ['Filters', 'Key', 'Values'],
    ['InstanceInformationFilterList', 'key', 'valueSet'],
  ] as const) {
    const list = c.value(member);
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      c.fail(member, list, 'Member must be a list');
      continue;
    }
    for (const filter of list as Json[]) {
      const key = filter?.[keyName];
      const values = filter?.[valuesName];
      if (typeof key !== 'string' || !Array.isArray(values) || values.length < 1 || values.length > 100) {
        c.fail(member, filter, `Member must have a ${keyName} and 1-100 ${valuesName}`);
        continue;
      }
      wanted.push({ key, values: values as string[] });
    }
  }
  c.done();
  const readers: Record<string, (g: GuestRecord) => string> = {
    InstanceIds: (g) => g.instanceId,
    PingStatus: (g) => (online(g) ? 'Online' : 'ConnectionLost'),
    PlatformTypes: (g) => g.platform,
    ResourceType: () => 'EC2Instance',
    AgentVersion: () => AGENT_VERSION,
  };
  for (const { key, values } of wanted) {
    if (!readers[key]) throw ssmErrors.invalidFilterKey();
    if (key === 'InstanceIds') {
      const bad = values.find((v) => !INSTANCE_ID.test(v));
      if (bad !== undefined) throw ssmErrors.invalidFilterValue(`Instance id ${bad} is not valid`);
    }
  }
  // only instances whose agent registered are managed; a terminated one shows ConnectionLost for a while
  const managed = [...ctx.partition.guests.values()]
    .filter(
      (g) => g.agentAt !== undefined && (g.terminatedAt === undefined || ctx.now < g.terminatedAt + 3600_000),
    )
    .filter((g) => wanted.every(({ key, values }) => values.includes(readers[key](g))))
    .sort((a, b) => a.seq - b.seq);
  const result = page(managed, nextToken, maxResults ?? 50);
  return ok({
    InstanceInformationList: result.items.map((g) => instanceInformation(g, ctx.now)),
    ...(result.next ? { NextToken: result.next } : {}),
  });
}

function parameters(c: Checker): Record<string, string[]> {
  const value = c.value('Parameters');
  if (value === undefined || value === null) return {};
  const valid =
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value as Json).every((v) => Array.isArray(v) && v.every((s) => typeof s === 'string'));
  if (!valid) {
    c.fail('Parameters', '***', 'Member must be a map of string lists');
    return {};
  }
  return value as Record<string, string[]>;
}

function sendCommand(ctx: ProtocolContext, body: Json): WireResponse {
  const c = new Checker(body);
  const instanceIds = c.idList('InstanceIds', 50);
  const documentName = c.string('DocumentName', { required: true, pattern: DOCUMENT_NAME });
  const documentVersion = c.string('DocumentVersion', { pattern: /([$]LATEST|[$]DEFAULT|^[1-9][0-9]*$)/ });
  const timeoutSeconds = c.int('TimeoutSeconds', 30, 2_592_000);
  const comment = c.string('Comment', { max: 100 });
  const params = parameters(c);
  c.done();
  if (body.Targets !== undefined) {
    throw ssmErrors.invalidParameters('The emulator sends commands by InstanceIds only, not by Targets');
  }
  const ids = instanceIds ?? [];
  if (ids.length === 0) throw ssmErrors.invalidInstanceId('InstanceIds must name at least one instance');
  if (new Set(ids).size < ids.length) throw ssmErrors.duplicateInstanceId();
  const document = DOCUMENTS[documentName as string];
  if (!document && (documentName as string).startsWith('AWS-')) {
    throw ssmErrors.invalidDocument(`Document with name ${documentName} does not exist.`);
  }
  const guests = ids.map((id) => ctx.partition.guests.get(id));
  const unusable = ids.filter((_, i) => !guests[i] || !online(guests[i]));
  if (unusable.length > 0) {
    throw ssmErrors.invalidInstanceId(
      `Instances [${unusable.map((id) => `[${id}]`).join(', ')}] not in a valid state for account ${ctx.partition.accountId}`,
    );
  }
  const platforms = document?.platforms ?? ['Linux', 'Windows'];
  const wrong = (guests as GuestRecord[]).find((g) => !platforms.includes(g.platform));
  if (wrong) {
    throw ssmErrors.unsupportedPlatform(
      `The document ${documentName} is not supported on the platform of instance ${wrong.instanceId} (${wrong.platform})`,
    );
  }
  if (document && !(params.commands?.length > 0)) {
    throw ssmErrors.invalidParameters(`Parameter "commands" is required by ${documentName}`);
  }
  const executionTimeout = Number(params.executionTimeout?.[0] ?? timeoutSeconds ?? 3600);
  const command: CommandRecord = {
    seq: ctx.store.nextSeq(),
    commandId: newId.uuid(ctx.store.rng),
    accountId: ctx.partition.accountId,
    region: ctx.partition.region,
    documentName: documentName as string,
    ...(documentVersion ? { documentVersion } : {}),
    ...(comment ? { comment } : {}),
    parameters: params,
    instanceIds: ids,
    timeoutSeconds: timeoutSeconds ?? 3600,
    requestedAt: ctx.now,
    invocations: (guests as GuestRecord[]).map((g) => planInvocation(ctx, g, executionTimeout)),
  };
  ctx.partition.commands.set(command.commandId, command);
  return ok({ Command: commandShape(command, ctx.now) });
}

function planInvocation(ctx: ProtocolContext, guest: GuestRecord, timeout: number): InvocationRecord {
  return planFor(ctx.store, guest, ctx.now, Number.isFinite(timeout) && timeout > 0 ? timeout : 3600);
}

function commandShape(command: CommandRecord, now: number): Json {
  const ended = (i: InvocationRecord) => now >= i.endAt;
  const done = command.invocations.filter(ended);
  const status = commandStatus(command, now);
  return {
    CommandId: command.commandId,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion ?? '$DEFAULT',
    Comment: command.comment ?? '',
    ExpiresAfter: seconds(command.requestedAt + (command.timeoutSeconds + 3600) * 1000),
    Parameters: command.parameters,
    InstanceIds: command.instanceIds,
    Targets: [],
    RequestedDateTime: seconds(command.requestedAt),
    Status: status,
    StatusDetails: status === 'TimedOut' ? 'TimedOut' : status,
    MaxConcurrency: '50',
    MaxErrors: '0',
    TargetCount: command.invocations.length,
    CompletedCount: done.length,
    ErrorCount: done.filter((i) => i.outcome.status === 'Failed').length,
    DeliveryTimedOutCount: 0,
    ServiceRole: '',
    NotificationConfig: { NotificationArn: '', NotificationEvents: [] },
    CloudWatchOutputConfig: { CloudWatchOutputEnabled: false },
    TimeoutSeconds: command.timeoutSeconds,
  };
}

function pluginOf(command: CommandRecord): string {
  return DOCUMENTS[command.documentName]?.plugin ?? 'aws:runShellScript';
}

/** ISO-8601 to the second: the model's StringDateTime pattern allows one fraction digit at most. */
const isoString = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function getCommandInvocation(ctx: ProtocolContext, body: Json): WireResponse {
  const c = new Checker(body);
  const commandId = c.string('CommandId', { required: true, min: 36, max: 36 });
  const instanceId = c.string('InstanceId', { required: true, pattern: INSTANCE_ID });
  const pluginName = c.string('PluginName', { min: 4 });
  c.done();
  const command = ctx.partition.commands.get(commandId as string);
  const invocation = command?.invocations.find((i) => i.instanceId === instanceId);
  if (!command || !invocation || ctx.now < invocation.visibleAt) throw ssmErrors.invocationDoesNotExist();
  if (pluginName !== undefined && pluginName !== pluginOf(command)) {
    throw ssmErrors.invalidPluginName();
  }
  const view = invocationAt(invocation, ctx.now);
  return ok({
    CommandId: command.commandId,
    InstanceId: invocation.instanceId,
    Comment: command.comment ?? '',
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion ?? '$DEFAULT',
    PluginName: pluginOf(command),
    ResponseCode: view.responseCode,
    ...(view.startedAt !== undefined ? { ExecutionStartDateTime: isoString(view.startedAt) } : {}),
    ...(view.endedAt !== undefined && view.startedAt !== undefined
      ? {
          ExecutionElapsedTime: `PT${((view.endedAt - view.startedAt) / 1000).toFixed(3)}S`,
          ExecutionEndDateTime: isoString(view.endedAt),
        }
      : {}),
    Status: view.status,
    StatusDetails: view.statusDetails,
    StandardOutputContent: view.stdout,
    StandardOutputUrl: '',
    StandardErrorContent: view.stderr,
    StandardErrorUrl: '',
    CloudWatchOutputConfig: { CloudWatchOutputEnabled: false },
  });
}

function listCommandInvocations(ctx: ProtocolContext, body: Json): WireResponse {
  const c = new Checker(body);
  const commandId = c.string('CommandId', { min: 36, max: 36 });
  const instanceId = c.string('InstanceId', { pattern: INSTANCE_ID });
  const maxResults = c.int('MaxResults', 1, 50);
  const nextToken = c.string('NextToken');
  const details = c.boolean('Details');
  c.done();
  if (body.Filters !== undefined) throw ssmErrors.invalidFilterKey();
  if (commandId !== undefined && !ctx.partition.commands.has(commandId)) throw ssmErrors.invalidCommandId();
  const rows: { command: CommandRecord; invocation: InvocationRecord }[] = [];
  // newest commands first, as SSM lists them
  const commands = [...ctx.partition.commands.values()].sort((a, b) => b.seq - a.seq);
  for (const command of commands) {
    if (commandId !== undefined && command.commandId !== commandId) continue;
    for (const invocation of command.invocations) {
      if (instanceId !== undefined && invocation.instanceId !== instanceId) continue;
      if (ctx.now < invocation.visibleAt) continue;
      rows.push({ command, invocation });
    }
  }
  const result = page(rows, nextToken, maxResults ?? 50);
  return ok({
    CommandInvocations: result.items.map(({ command, invocation }) => {
      const view = invocationAt(invocation, ctx.now);
      const guest = ctx.partition.guests.get(invocation.instanceId);
      return {
        CommandId: command.commandId,
        InstanceId: invocation.instanceId,
        InstanceName: guest?.hostname ?? '',
        Comment: command.comment ?? '',
        DocumentName: command.documentName,
        DocumentVersion: command.documentVersion ?? '$DEFAULT',
        RequestedDateTime: seconds(command.requestedAt),
        Status: view.status,
        StatusDetails: view.statusDetails,
        TraceOutput: '',
        StandardOutputUrl: '',
        StandardErrorUrl: '',
        CommandPlugins: details
          ? [
              {
                Name: pluginOf(command),
                Status: view.status,
                StatusDetails: view.statusDetails,
                ResponseCode: view.responseCode,
                ...(view.startedAt !== undefined ? { ResponseStartDateTime: seconds(view.startedAt) } : {}),
                ...(view.endedAt !== undefined ? { ResponseFinishDateTime: seconds(view.endedAt) } : {}),
                Output: (view.stdout + (view.stderr ? `\n----------ERROR-------\n${view.stderr}` : '')).slice(
                  0,
                  2500,
                ),
                StandardOutputUrl: '',
                StandardErrorUrl: '',
              },
            ]
          : [],
        ServiceRole: '',
        NotificationConfig: { NotificationArn: '', NotificationEvents: [] },
        CloudWatchOutputConfig: { CloudWatchOutputEnabled: false },
      };
    }),
    ...(result.next ? { NextToken: result.next } : {}),
  });
}

const HANDLERS: Record<string, (ctx: ProtocolContext, body: Json) => WireResponse> = {
  DescribeInstanceInformation: describeInstanceInformation,
  SendCommand: sendCommand,
  GetCommandInvocation: getCommandInvocation,
  ListCommandInvocations: listCommandInvocations,
};

/** The operations served. */
export const SSM_OPERATIONS = Object.keys(HANDLERS);

export const SSM_PROTOCOL: Protocol = {
  decode(rawBody: string, headers: IncomingHttpHeaders): DecodedCall {
    const target = String(headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonSSM.')
      ? target.slice('AmazonSSM.'.length)
      : target || 'unknown';
    let body: Json = {};
    let problem: DrsError | undefined;
    try {
      const parsed: unknown = rawBody.trim() === '' ? {} : JSON.parse(rawBody);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Json;
    } catch {
      problem = ssmErrors.serialization();
    }
    const handler = HANDLERS[operation];
    return {
      operation,
      request: body,
      run: (ctx) => {
        if (problem) throw problem;
        if (!handler) throw ssmErrors.unknownOperation(target);
        return handler(ctx, body);
      },
    };
  },
  error(error: DrsError): WireResponse {
    // the member is spelled as the model spells it; the common errors use `message`
    const key = LOWERCASE_MESSAGE.has(error.type) ? 'message' : 'Message';
    return {
      statusCode: error.statusCode,
      contentType: CONTENT_TYPE,
      body: JSON.stringify({ __type: error.type, ...(error.message ? { [key]: error.message } : {}) }),
    };
  },
  errors: {
    denied: (message) => ssmErrors.accessDenied(message),
    throttling: () => ssmErrors.throttling(),
    internal: (message) => ssmErrors.internal(message),
  },
};
