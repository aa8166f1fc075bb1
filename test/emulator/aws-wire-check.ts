// Checks what the emulator's EC2 (XML) and SSM (JSON 1.1) answers put on the wire against the
// official models, as wire-check.ts does for DRS and MGN: an SDK middleware reads each raw response
// before the SDK parses it and fails the call on any difference. EC2's XML is read back into model
// member names (by each member's locationName, lists as <item>s), so an element the model does not
// know, a wrong type, a value outside an enum or a missing required member all fail.
import { AssertionError } from 'node:assert';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { XMLParser } from 'fast-xml-parser';
import { checkShape, loadServiceModel, type ServiceModel } from './service-model';

export type AwsService = 'ec2' | 'ssm' | 'cloudformation';

export interface AwsExchange {
  service: AwsService;
  operation: string;
  statusCode: number;
  errorType?: string;
}

/**
 * Errors every AWS JSON service answers although models do not list them (AWS's common errors):
 * refused input, throttling, IAM, an unreadable body, an operation it does not have.
 */
const SSM_COMMON_ERRORS = new Set([
  'ValidationException',
  'ThrottlingException',
  'AccessDeniedException',
  'SerializationException',
  'UnknownOperationException',
]);

type XmlNode = string | { [name: string]: XmlNode | XmlNode[] };

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false });

/**
 * Query XML (parsed) → a JSON value in model member names; problems for anything the model lacks.
 * EC2 lists its items as <item>, the other query services as <member>.
 */
function fromXml(
  model: ServiceModel,
  shapeName: string,
  node: XmlNode | undefined,
  at: string,
  problems: string[],
  item: 'item' | 'member' = 'item',
): unknown {
  const shape = model.shapes[shapeName];
  const leaf = typeof node === 'string' ? node : '';
  switch (shape.type) {
    case 'structure': {
      if (node === '' || node === undefined) return {};
      if (typeof node !== 'object' || Array.isArray(node)) {
        problems.push(`${at}: expected an element with members (${shapeName})`);
        return {};
      }
      const byElement = new Map(
        Object.entries(shape.members ?? {}).map(([name, m]) => [
          m.locationName ?? name,
          { name, shape: m.shape },
        ]),
      );
      const out: Record<string, unknown> = {};
      for (const [element, child] of Object.entries(node)) {
        if (element === 'requestId' && at === '$') continue;
        const member = byElement.get(element);
        if (!member) {
          problems.push(`${at}: element <${element}> is not in the model (${shapeName})`);
          continue;
        }
        if (Array.isArray(child)) problems.push(`${at}.${member.name}: repeated element <${element}>`);
        out[member.name] = fromXml(
          model,
          member.shape,
          Array.isArray(child) ? child[0] : child,
          `${at}.${member.name}`,
          problems,
          item,
        );
      }
      return out;
    }
    case 'list': {
      if (node === '' || node === undefined) return [];
      if (typeof node !== 'object' || Array.isArray(node)) {
        problems.push(`${at}: expected <${item}> elements (${shapeName})`);
        return [];
      }
      const extra = Object.keys(node).filter((k) => k !== item);
      if (extra.length > 0) problems.push(`${at}: list elements must be <${item}>, got ${extra.join(', ')}`);
      const entries = node[item];
      const items = entries === undefined ? [] : Array.isArray(entries) ? entries : [entries];
      return items.map((entry, i) =>
        fromXml(model, shape.member?.shape ?? '', entry, `${at}[${i}]`, problems, item),
      );
    }
    case 'integer':
    case 'long':
      return /^-?\d+$/.test(leaf) ? Number(leaf) : leaf;
    case 'boolean':
      return leaf === 'true' ? true : leaf === 'false' ? false : leaf;
    case 'timestamp': {
      const ms = Date.parse(leaf);
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(leaf) || Number.isNaN(ms)) {
        problems.push(`${at}: ${JSON.stringify(leaf)} is not an ISO-8601 UTC timestamp`);
      }
      return ms / 1000;
    }
    default:
      return leaf;
  }
}

/** Every difference between one EC2 answer and the model (empty = conforms). */
export function checkEc2Xml(
  model: ServiceModel,
  operation: string,
  statusCode: number,
  text: string,
): string[] {
  const where = `ec2:${operation} ${statusCode}`;
  const doc = parser.parse(text) as Record<string, XmlNode>;
  if (statusCode >= 300) {
    // EC2's models declare no errors: the shape is the protocol's
    const error = (doc.Response as { Errors?: { Error?: { Code?: string; Message?: string } } })?.Errors
      ?.Error;
    return error?.Code && typeof error.Message === 'string'
      ? []
      : [`${where}: not an EC2 error document: ${text.slice(0, 200)}`];
  }
  const op = model.operations[operation];
  if (!op) return [`${where}: the model has no operation ${operation}`];
  const root = doc[`${operation}Response`];
  if (root === undefined) return [`${where}: the root element is not <${operation}Response>`];
  const problems: string[] = [];
  const value = fromXml(model, op.output?.shape ?? '', root, '$', problems);
  problems.push(...checkShape(model, op.output?.shape ?? '', value, op.output?.shape));
  return problems.map((p) => `${where}: ${p}`);
}

/**
 * Every difference between one answer of a query service (CloudFormation) and the model: the
 * operation's `<XResponse>` holds its output in `<XResult>` (the model's resultWrapper) and a
 * `<ResponseMetadata>`; an error is an `<ErrorResponse>` with a Type, Code and Message.
 */
export function checkQueryXml(
  model: ServiceModel,
  service: string,
  operation: string,
  statusCode: number,
  text: string,
): string[] {
  const where = `${service}:${operation} ${statusCode}`;
  const doc = parser.parse(text) as Record<string, XmlNode>;
  if (statusCode >= 300) {
    const error = (doc.ErrorResponse as { Error?: { Type?: string; Code?: string; Message?: string } })
      ?.Error;
    return error?.Code &&
      (error.Type === 'Sender' || error.Type === 'Receiver') &&
      typeof error.Message === 'string'
      ? []
      : [`${where}: not a query-protocol error document: ${text.slice(0, 200)}`];
  }
  const op = model.operations[operation] as (typeof model.operations)[string] & {
    output?: { shape: string; resultWrapper?: string };
  };
  if (!op) return [`${where}: the model has no operation ${operation}`];
  const root = doc[`${operation}Response`] as Record<string, XmlNode> | undefined;
  if (root === undefined || typeof root !== 'object')
    return [`${where}: the root element is not <${operation}Response>`];
  const problems: string[] = [];
  const extra = Object.keys(root).filter((k) => k !== 'ResponseMetadata' && k !== op.output?.resultWrapper);
  if (extra.length > 0) problems.push(`elements ${extra.join(', ')} are not in the response`);
  if (op.output) {
    const wrapper = op.output.resultWrapper ?? '';
    const value = fromXml(model, op.output.shape, root[wrapper], '$', problems, 'member');
    problems.push(...checkShape(model, op.output.shape, value, op.output.shape));
  }
  return problems.map((p) => `${where}: ${p}`);
}

/**
 * Every difference between one SSM answer and the model (empty = conforms). One is allowed:
 * GetCommandInvocation's ExecutionElapsedTime is an ISO-8601 duration (`PT2.5S`) as SSM sends it,
 * where the model gives it the date pattern of its StringDateTime shape.
 */
export function checkSsmJson(
  model: ServiceModel,
  operation: string,
  statusCode: number,
  text: string,
): string[] {
  const where = `ssm:${operation} ${statusCode}`;
  const op = model.operations[operation];
  if (!op) return [`${where}: the model has no operation ${operation}`];
  const body = (text.trim() === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
  if (statusCode < 300) {
    return statusCode === 200
      ? checkShape(model, op.output?.shape ?? '', body, op.output?.shape)
          .filter((p) => !p.startsWith(`${op.output?.shape}.ExecutionElapsedTime:`))
          .map((p) => `${where}: ${p}`)
      : [`${where}: the model says HTTP 200`];
  }
  const type = String(body.__type ?? '');
  const { __type: _type, ...members } = body;
  if (SSM_COMMON_ERRORS.has(type)) return statusCode === 400 ? [] : [`${where}: ${type} is HTTP 400`];
  const shape = model.shapes[type];
  if (!shape?.exception) return [`${where}: ${type || 'no __type'} is not an error of the model`];
  const problems: string[] = [];
  if (!(op.errors ?? []).some((e) => e.shape === type))
    problems.push(`${operation} does not declare ${type}`);
  const status = shape.fault ? 500 : 400;
  if (statusCode !== status) problems.push(`${type} is HTTP ${status} in the JSON protocol`);
  problems.push(...checkShape(model, type, members, type));
  return problems.map((p) => `${where}: ${p}`);
}

async function bytesOf(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Adds the check to an EC2, SSM or CloudFormation client; `seen` receives each exchange. */
export function checkAwsResponses(
  client: EC2Client | SSMClient | CloudFormationClient,
  service: AwsService,
  seen?: (ex: AwsExchange) => void,
): void {
  const model = loadServiceModel(service);
  const stack = client.middlewareStack as EC2Client['middlewareStack'];
  stack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode: number; body: unknown };
      const bytes = await bytesOf(response.body);
      response.body = bytes;
      const text = Buffer.from(bytes).toString('utf8');
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const problems =
        service === 'ec2'
          ? checkEc2Xml(model, operation, response.statusCode, text)
          : service === 'cloudformation'
            ? checkQueryXml(model, service, operation, response.statusCode, text)
            : checkSsmJson(model, operation, response.statusCode, text);
      const errorType =
        response.statusCode < 300
          ? undefined
          : service !== 'ssm'
            ? /<Code>([^<]+)<\/Code>/.exec(text)?.[1]
            : (JSON.parse(text) as { __type?: string }).__type;
      seen?.({ service, operation, statusCode: response.statusCode, ...(errorType ? { errorType } : {}) });
      if (problems.length > 0) {
        throw new AssertionError({
          message: `response differs from the ${service} model:\n  ${problems.join('\n  ')}`,
        });
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'checkAwsResponses' },
  );
}
