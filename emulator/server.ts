// The HTTP front: fastify serving DRS and MGN (restJson1), EC2 (query), SSM (JSON 1.1), STS and the
// control API on one port. Which service a call is for comes from its SigV4 credential scope, the
// region too; the account from the access key id (its first run of 12 digits, else
// DEFAULT_ACCOUNT), so any credentials work.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { iso } from './clock';
import { registerControlRoutes } from './control';
import type { Emulator } from './emulator';
import { DrsError, drsErrors } from './errors';
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from './inventory';
import { DRS_OPERATIONS } from './operations/drs';
import { MGN_OPERATIONS } from './operations/mgn';
import { CLOUDFORMATION_PROTOCOL } from './operations/cloudformation';
import { EC2_PROTOCOL } from './operations/ec2';
import type { Protocol, WireResponse } from './operations/protocol';
import { SSM_PROTOCOL } from './operations/ssm';
import { handleSts } from './operations/sts';
import type { OperationResult, OperationRoute } from './operations/context';
import { parseJsonBody, type Body } from './validation';

export interface CallIdentity {
  service: string;
  region: string;
  accountId: string;
  accessKeyId: string;
}

const SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

function identityOf(authorization: string | undefined): CallIdentity & { signed: boolean } {
  const match = authorization ? SCOPE.exec(authorization) : null;
  const accessKeyId = match?.[1] ?? '';
  return {
    accessKeyId,
    region: match?.[2] ?? DEFAULT_REGION,
    service: match?.[3] ?? 'drs',
    accountId: accountOf(accessKeyId),
    signed: match !== null,
  };
}

const PROTOCOLS: Record<string, Protocol> = {
  ec2: EC2_PROTOCOL,
  ssm: SSM_PROTOCOL,
  cloudformation: CLOUDFORMATION_PROTOCOL,
};

/** The documented mapping: the first 12-digit run in the access key id names the account. */
function accountOf(accessKeyId: string): string {
  return /\d{12}/.exec(accessKeyId)?.[0] ?? DEFAULT_ACCOUNT;
}

function findOperation(service: string, method: string, path: string): OperationRoute | undefined {
  const table = service === 'mgn' ? MGN_OPERATIONS : DRS_OPERATIONS;
  return table.find(
    (op) => op.method === method && (op.path.endsWith('/') ? path.startsWith(op.path) : path === op.path),
  );
}

let requestCounter = 0;

export function buildServer(emulator: Emulator, quiet: boolean): FastifyInstance {
  const app = Fastify({ logger: quiet ? false : { level: 'info' }, bodyLimit: 16 * 1024 * 1024 });
  // Bodies are parsed per operation so a bad body becomes a ValidationException, not a fastify 400.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  registerControlRoutes(app, emulator);
  const handler = (req: FastifyRequest, reply: FastifyReply) => handleAws(emulator, req, reply);
  app.route({ method: ['GET', 'POST', 'DELETE', 'PUT'], url: '/', handler });
  app.route({ method: ['GET', 'POST', 'DELETE', 'PUT'], url: '/*', handler });
  return app;
}

async function handleAws(emulator: Emulator, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const identity = identityOf(req.headers.authorization);
  const rawBody = typeof req.body === 'string' ? req.body : undefined;
  // the signing scope decides; only an unsigned query call is taken for STS
  const protocol = PROTOCOLS[identity.service];
  if (protocol) return handleProtocol(emulator, identity, protocol, req, rawBody ?? '', reply);
  if (identity.service === 'sts' || (!identity.signed && req.url === '/' && rawBody?.includes('Action='))) {
    return handleSts(emulator, identity, rawBody ?? '', reply);
  }
  const path = req.url.split('?')[0];
  const query = (req.query ?? {}) as Record<string, string | string[] | undefined>;
  const op = findOperation(identity.service, req.method, path);
  const operation = op?.name ?? `${identity.service}:${req.method} ${path}`;
  const receivedAt = iso(emulator.clock.now());
  let request: unknown = req.method === 'GET' || req.method === 'DELETE' ? query : rawBody;
  const audit = (statusCode: number, errorType?: string, dropped?: boolean) =>
    emulator.audit.record({
      time: receivedAt,
      operation,
      region: identity.region,
      accountId: identity.accountId,
      statusCode,
      ...(errorType ? { errorType } : {}),
      ...(dropped ? { dropped } : {}),
      request,
    });
  let answered: (() => void) | undefined;
  try {
    if (!op) throw drsErrors.unknownOperation(req.method, path);
    const body: Body = parseJsonBody(rawBody);
    if (req.method === 'POST') request = body;
    answered = emulator.audit.begin({
      time: receivedAt,
      operation,
      region: identity.region,
      accountId: identity.accountId,
      request,
    });
    // IAM decides before the operation (and any fault) runs
    const denied = deniedBy(emulator, op.name, identity);
    if (denied) throw denied;
    const fault = emulator.faults.decide(op.name);
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.throttle) throw drsErrors.throttling(1);
    if (fault.error) throw drsErrors.internal('Injected internal error');
    const store = emulator.store;
    const now = store.now();
    const partition = store.partition(identity.accountId, identity.region);
    if (op.needsInitializedAccount && !partition.initialized) {
      throw drsErrors.uninitialized(identity.accountId, identity.region);
    }
    const resourceArn = path.startsWith('/tags/')
      ? decodeURIComponent(path.slice('/tags/'.length))
      : undefined;
    const result = op.handler({ store, partition, now, body, query, resourceArn });
    if (fault.drop) {
      // The call took effect; the caller only learns that "something failed".
      const lost = drsErrors.internal('Response lost (emulated)');
      audit(lost.statusCode, lost.type, true);
      return sendError(reply, lost);
    }
    audit(result.statusCode);
    return sendResult(reply, result);
  } catch (err) {
    const error =
      err instanceof DrsError ? err : drsErrors.internal(err instanceof Error ? err.message : String(err));
    if (!(err instanceof DrsError)) req.log.error({ err }, 'emulator handler failed');
    audit(error.statusCode, error.type);
    return sendError(reply, error);
  } finally {
    answered?.();
  }
}

/** An accessDenied scenario answers as IAM does: 403 naming the caller, the action and the resource. */
function deniedBy(emulator: Emulator, operation: string, identity: CallIdentity): DrsError | undefined {
  const message = denialMessage(emulator, operation, identity);
  return message === undefined ? undefined : drsErrors.accessDenied(message);
}

function denialMessage(emulator: Emulator, operation: string, identity: CallIdentity): string | undefined {
  const denial = emulator.store.scenarios.find(
    (s) =>
      s.type === 'accessDenied' &&
      (s.operations.includes('*') || s.operations.includes(operation)) &&
      (!s.accountIds || s.accountIds.includes(identity.accountId)),
  );
  if (!denial) return undefined;
  const action = operation.includes(':') ? operation : `${identity.service}:${operation}`;
  const service = action.split(':')[0];
  return `User: arn:aws:sts::${identity.accountId}:assumed-role/EmulatorRole/emulator-session is not authorized to perform: ${action} on resource: arn:aws:${service}:${identity.region}:${identity.accountId}:* because no identity-based policy allows the ${action} action`;
}

/** EC2 and SSM: decode, IAM, faults, run, audit; the protocol formats answers and errors. */
async function handleProtocol(
  emulator: Emulator,
  identity: CallIdentity,
  protocol: Protocol,
  req: FastifyRequest,
  rawBody: string,
  reply: FastifyReply,
): Promise<void> {
  const receivedAt = iso(emulator.clock.now());
  const call = protocol.decode(rawBody, req.headers);
  const entry = {
    time: receivedAt,
    operation: `${identity.service}:${call.operation}`,
    region: identity.region,
    accountId: identity.accountId,
    request: call.request,
  };
  const send = (response: WireResponse, errorType?: string, dropped?: boolean) => {
    emulator.audit.record({
      ...entry,
      statusCode: response.statusCode,
      ...(errorType ? { errorType } : {}),
      ...(dropped ? { dropped } : {}),
    });
    reply
      .code(response.statusCode)
      .headers({ 'x-amzn-requestid': requestId(), 'content-type': response.contentType })
      .send(response.body);
  };
  const answered = emulator.audit.begin(entry);
  try {
    const denied = denialMessage(emulator, entry.operation, identity);
    if (denied) throw protocol.errors.denied(denied);
    const fault = emulator.faults.decide(entry.operation);
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.throttle) throw protocol.errors.throttling();
    if (fault.error) throw protocol.errors.internal('Injected internal error');
    const store = emulator.store;
    const now = store.now();
    const response = call.run({
      store,
      partition: store.partition(identity.accountId, identity.region),
      now,
    });
    if (fault.drop) {
      const lost = protocol.errors.internal('Response lost (emulated)');
      return send(protocol.error(lost), lost.type, true);
    }
    return send(response);
  } catch (err) {
    const error =
      err instanceof DrsError
        ? err
        : protocol.errors.internal(err instanceof Error ? err.message : String(err));
    if (!(err instanceof DrsError)) req.log.error({ err }, 'emulator handler failed');
    return send(protocol.error(error), error.type);
  } finally {
    answered();
  }
}

function sendResult(reply: FastifyReply, result: OperationResult): void {
  reply.code(result.statusCode).header('x-amzn-requestid', requestId());
  if (result.statusCode === 204) {
    reply.send();
    return;
  }
  reply.header('content-type', 'application/json').send(JSON.stringify(result.body ?? {}));
}

function sendError(reply: FastifyReply, error: DrsError): void {
  reply
    .code(error.statusCode)
    .headers({ 'x-amzn-requestid': requestId(), 'x-amzn-errortype': error.type, ...error.headers })
    .header('content-type', 'application/json')
    .send(JSON.stringify(error.body()));
}

function requestId(): string {
  requestCounter += 1;
  return `emu-${requestCounter.toString(16).padStart(12, '0')}`;
}
