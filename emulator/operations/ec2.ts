// EC2 (query protocol, API version 2016-11-15) for the instances the emulator launches:
// DescribeInstanceStatus and GetConsoleOutput. Requests are form-encoded (`InstanceId.1=…`,
// `Filter.1.Value.1=…`), answers are XML, errors `<Response><Errors><Error><Code>…`. Any other
// instance id is InvalidInstanceID.NotFound: the emulator owns no other instance.
import { iso } from '../clock';
import { ec2Errors, type DrsError } from '../errors';
import { consoleOutput, ec2State, guestVisible, statusChecks, type SummaryStatus } from '../guests';
import type { GuestRecord } from '../model';
import type { DecodedCall, Protocol, ProtocolContext, WireResponse } from './protocol';

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const CONTENT_TYPE = 'text/xml;charset=UTF-8';

type Tree = { [key: string]: Tree | string };

/** `Filter.1.Value.2=x` → { Filter: { 1: { Value: { 2: 'x' } } } }. */
function nest(params: URLSearchParams): Tree {
  const root: Tree = {};
  for (const [key, value] of params) {
    const parts = key.split('.');
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else {
        const next = node[part];
        node = typeof next === 'object' ? next : (node[part] = {});
      }
    });
  }
  return root;
}

/** A flattened EC2 list (`Name.1`, `Name.2`, …) in index order. */
function list(node: Tree | string | undefined): (Tree | string)[] {
  if (node === undefined || typeof node === 'string') return [];
  return Object.entries(node)
    .filter(([k]) => /^\d+$/.test(k))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, v]) => v);
}

const text = (node: Tree | string | undefined): string | undefined =>
  typeof node === 'string' ? node : undefined;

function bool(tree: Tree, name: string): boolean | undefined {
  const value = text(tree[name]);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') {
    throw ec2Errors.invalidParameterValue(`Invalid value '${value}' for ${name}; expected a boolean`);
  }
  return value === 'true';
}

function int(tree: Tree, name: string): number | undefined {
  const value = text(tree[name]);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw ec2Errors.invalidParameterValue(`Invalid value '${value}' for ${name}`);
  return Number(value);
}

function xml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const el = (name: string, content: string | number | boolean): string =>
  `<${name}>${typeof content === 'string' ? content : String(content)}</${name}>`;

function response(action: string, body: string): WireResponse {
  return {
    statusCode: 200,
    contentType: CONTENT_TYPE,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NS}">${el('requestId', requestId())}${body}</${action}Response>`,
  };
}

let requestCounter = 0;
function requestId(): string {
  requestCounter += 1;
  return `00000000-0000-4000-8000-${requestCounter.toString(16).padStart(12, '0')}`;
}

function checkIds(ids: string[]): void {
  const bad = ids.find((id) => !INSTANCE_ID.test(id));
  if (bad !== undefined) throw ec2Errors.malformed(bad);
}

/** The instances named, each visible in this account and region, else InvalidInstanceID.NotFound. */
function guestsNamed(ctx: ProtocolContext, ids: string[]): GuestRecord[] {
  const found = ids.map((id) => ctx.partition.guests.get(id));
  const missing = ids.filter((_, i) => !found[i] || !guestVisible(found[i], ctx.now));
  if (missing.length > 0) throw ec2Errors.notFound(missing);
  return found as GuestRecord[];
}

interface DescribeInstanceStatusRequest {
  InstanceIds?: string[];
  Filters?: { Name?: string; Values: string[] }[];
  IncludeAllInstances?: boolean;
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

const FILTERS: Record<string, (g: GuestRecord, now: number) => string[]> = {
  'availability-zone': (g) => [g.availabilityZone],
  'instance-state-name': (g) => [ec2State(g).name],
  'instance-state-code': (g) => [String(ec2State(g).code)],
  'instance-status.status': (g, now) => [statusChecks(g, now).instance],
  'system-status.status': (g, now) => [statusChecks(g, now).system],
  'instance-status.reachability': (g, now) => [reachability(statusChecks(g, now).instance)],
  'system-status.reachability': (g, now) => [reachability(statusChecks(g, now).system)],
};

function reachability(status: SummaryStatus): string {
  switch (status) {
    case 'ok':
      return 'passed';
    case 'impaired':
      return 'failed';
    case 'initializing':
      return 'initializing';
    default:
      return 'insufficient-data';
  }
}

function decodeDescribeInstanceStatus(tree: Tree): DescribeInstanceStatusRequest {
  const ids = list(tree.InstanceId).map((v) => text(v) ?? '');
  const filters = list(tree.Filter).map((f) =>
    typeof f === 'string'
      ? { Values: [] }
      : { Name: text(f.Name), Values: list(f.Value).map((v) => text(v) ?? '') },
  );
  return {
    ...(ids.length ? { InstanceIds: ids } : {}),
    ...(filters.length ? { Filters: filters } : {}),
    ...(tree.IncludeAllInstances !== undefined
      ? { IncludeAllInstances: bool(tree, 'IncludeAllInstances') }
      : {}),
    ...(tree.MaxResults !== undefined ? { MaxResults: int(tree, 'MaxResults') } : {}),
    ...(text(tree.NextToken) !== undefined ? { NextToken: text(tree.NextToken) } : {}),
    ...(tree.DryRun !== undefined ? { DryRun: bool(tree, 'DryRun') } : {}),
  };
}

function describeInstanceStatus(ctx: ProtocolContext, req: DescribeInstanceStatusRequest): WireResponse {
  const ids = req.InstanceIds ?? [];
  checkIds(ids);
  if (ids.length > 0 && req.MaxResults !== undefined) {
    throw ec2Errors.invalidParameterCombination(
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  if (req.MaxResults !== undefined && (req.MaxResults < 5 || req.MaxResults > 1000)) {
    throw ec2Errors.invalidParameterValue(
      `Value ( ${req.MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  }
  for (const filter of req.Filters ?? []) {
    if (!filter.Name || !FILTERS[filter.Name]) {
      throw ec2Errors.invalidParameterValue(`The filter '${filter.Name ?? ''}' is invalid`);
    }
  }
  const after = req.NextToken === undefined || req.NextToken === '' ? 0 : decodeToken(req.NextToken);
  const named = ids.length > 0 ? guestsNamed(ctx, ids) : undefined;
  if (req.DryRun) throw ec2Errors.dryRun();
  const candidates = (
    named ?? [...ctx.partition.guests.values()].filter((g) => guestVisible(g, ctx.now))
  ).sort((a, b) => a.seq - b.seq);
  const selected = candidates.filter(
    (g) =>
      g.seq > after &&
      (req.IncludeAllInstances || ec2State(g).name === 'running') &&
      (req.Filters ?? []).every((f) =>
        FILTERS[f.Name as string](g, ctx.now).some((v) => f.Values.includes(v)),
      ),
  );
  const size = req.MaxResults ?? 1000;
  const page = selected.slice(0, size);
  const more = selected.length > size;
  const items = page.map((g) => statusItem(g, ctx.now)).join('');
  return response(
    'DescribeInstanceStatus',
    el('instanceStatusSet', items) + (more ? el('nextToken', encodeToken(page[page.length - 1].seq)) : ''),
  );
}

function summary(status: SummaryStatus, impairedSince?: number): string {
  const details =
    status === 'not-applicable'
      ? ''
      : el(
          'details',
          el(
            'item',
            el('name', 'reachability') +
              el('status', reachability(status)) +
              (status === 'impaired' && impairedSince !== undefined
                ? el('impairedSince', iso(impairedSince))
                : ''),
          ),
        );
  return el('status', status) + details;
}

function statusItem(g: GuestRecord, now: number): string {
  const state = ec2State(g);
  const checks = statusChecks(g, now);
  return el(
    'item',
    el('instanceId', g.instanceId) +
      el('availabilityZone', g.availabilityZone) +
      el('instanceState', el('code', state.code) + el('name', state.name)) +
      el('systemStatus', summary(checks.system)) +
      el('instanceStatus', summary(checks.instance, checks.impairedSince)) +
      el('eventsSet', ''),
  );
}

function encodeToken(seq: number): string {
  return Buffer.from(`ec2-emulator:${seq}`).toString('base64url');
}

function decodeToken(token: string): number {
  const match = /^ec2-emulator:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!match) throw ec2Errors.invalidParameterValue(`The token '${token}' is invalid`);
  return Number(match[1]);
}

interface GetConsoleOutputRequest {
  InstanceId?: string;
  Latest?: boolean;
  DryRun?: boolean;
}

function getConsoleOutput(ctx: ProtocolContext, req: GetConsoleOutputRequest): WireResponse {
  if (req.InstanceId === undefined) throw ec2Errors.missingParameter('InstanceId');
  checkIds([req.InstanceId]);
  const [guest] = guestsNamed(ctx, [req.InstanceId]);
  if (req.DryRun) throw ec2Errors.dryRun();
  const output = consoleOutput(guest, ctx.now);
  return response(
    'GetConsoleOutput',
    el('instanceId', guest.instanceId) +
      el('timestamp', iso(output?.at ?? ctx.now)) +
      (output ? el('output', Buffer.from(output.text, 'utf8').toString('base64')) : ''),
  );
}

/** The operations served, by Action. */
export const EC2_OPERATIONS = ['DescribeInstanceStatus', 'GetConsoleOutput'] as const;

export const EC2_PROTOCOL: Protocol = {
  decode(rawBody): DecodedCall {
    const params = new URLSearchParams(rawBody);
    const action = params.get('Action') ?? '';
    const tree = nest(params);
    try {
      switch (action) {
        case 'DescribeInstanceStatus': {
          const request = decodeDescribeInstanceStatus(tree);
          return { operation: action, request, run: (ctx) => describeInstanceStatus(ctx, request) };
        }
        case 'GetConsoleOutput': {
          const request: GetConsoleOutputRequest = {
            ...(text(tree.InstanceId) !== undefined ? { InstanceId: text(tree.InstanceId) } : {}),
            ...(tree.Latest !== undefined ? { Latest: bool(tree, 'Latest') } : {}),
            ...(tree.DryRun !== undefined ? { DryRun: bool(tree, 'DryRun') } : {}),
          };
          return { operation: action, request, run: (ctx) => getConsoleOutput(ctx, request) };
        }
        default:
          throw ec2Errors.invalidAction(action);
      }
    } catch (err) {
      // a request that does not decode is still audited and answered by the protocol
      const request = Object.fromEntries(params);
      return {
        operation: action || 'unknown',
        request,
        run: () => {
          throw err;
        },
      };
    }
  },
  error(error: DrsError): WireResponse {
    return {
      statusCode: error.statusCode,
      contentType: CONTENT_TYPE,
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>${el('Code', error.type)}${el('Message', xml(error.message))}</Error></Errors>${el('RequestID', requestId())}</Response>`,
    };
  },
  errors: {
    denied: (message) =>
      ec2Errors.unauthorized(`You are not authorized to perform this operation. ${message}`),
    throttling: () => ec2Errors.throttling(),
    internal: (message) => ec2Errors.internal(message),
  },
};
