// A minimal STS (query protocol, XML) so `fromTemporaryCredentials` / AssumeRole can be pointed at
// the emulator: the issued access key id carries the role's account, which the DRS side reads back
// (see accountOf in server.ts). Expiration uses the real clock because the SDK checks it that way.
import type { FastifyReply } from 'fastify';
import { iso } from '../clock';
import type { Emulator } from '../emulator';
import { ids } from '../random';
import type { CallIdentity } from '../server';

const ROLE_ARN = /^arn:[\w-]+:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function handleSts(
  emulator: Emulator,
  identity: CallIdentity,
  rawBody: string,
  reply: FastifyReply,
): void {
  const params = new URLSearchParams(rawBody);
  const action = params.get('Action') ?? '';
  const audit = (statusCode: number, errorType?: string) =>
    emulator.audit.record({
      time: iso(emulator.clock.now()),
      operation: `sts:${action}`,
      region: identity.region,
      accountId: identity.accountId,
      statusCode,
      ...(errorType ? { errorType } : {}),
      request: Object.fromEntries(params),
    });
  const requestId = `emu-sts-${Date.now().toString(16)}`;
  const fail = (code: string, message: string, statusCode = 400) => {
    audit(statusCode, code);
    reply
      .code(statusCode)
      .header('content-type', 'text/xml')
      .send(
        `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
  };

  if (action === 'GetCallerIdentity') {
    audit(200);
    reply
      .header('content-type', 'text/xml')
      .send(
        `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>arn:aws:iam::${identity.accountId}:user/emulator</Arn><UserId>${xml(identity.accessKeyId)}</UserId><Account>${identity.accountId}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    return;
  }
  if (action !== 'AssumeRole')
    return fail(
      'InvalidAction',
      `The emulator's STS supports AssumeRole and GetCallerIdentity, not ${action}`,
    );

  const roleArn = params.get('RoleArn') ?? '';
  const session = params.get('RoleSessionName') ?? '';
  const match = ROLE_ARN.exec(roleArn);
  if (!match) return fail('ValidationError', `RoleArn ${roleArn} is not a valid IAM role ARN`);
  if (!/^[\w+=,.@-]{2,64}$/.test(session))
    return fail('ValidationError', 'RoleSessionName must be 2-64 characters of [\\w+=,.@-]');
  const duration = Number(params.get('DurationSeconds') ?? 3600);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    return fail('ValidationError', 'DurationSeconds must be between 900 and 43200');
  }
  const [, account, roleName] = match;
  // the accessDenied scenario with `sts:AssumeRole`: the role's trust policy or the caller's policy refuses
  const denied = emulator.store.scenarios.some(
    (s) =>
      s.type === 'accessDenied' &&
      (s.operations.includes('*') || s.operations.includes('sts:AssumeRole')) &&
      (!s.accountIds || s.accountIds.includes(identity.accountId)),
  );
  if (denied)
    return fail(
      'AccessDenied',
      `User: arn:aws:iam::${identity.accountId}:user/emulator is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  const rng = emulator.store.rng;
  audit(200);
  reply
    .header('content-type', 'text/xml')
    .send(
      `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult><Credentials>` +
        `<AccessKeyId>ASIA${account}${ids.accessKey(rng)}</AccessKeyId>` +
        `<SecretAccessKey>${ids.secret(rng)}</SecretAccessKey>` +
        `<SessionToken>emulator-session-${ids.secret(rng)}</SessionToken>` +
        `<Expiration>${new Date(Date.now() + duration * 1000).toISOString()}</Expiration>` +
        `</Credentials><AssumedRoleUser><AssumedRoleId>AROA${account}:${xml(session)}</AssumedRoleId>` +
        `<Arn>arn:aws:sts::${account}:assumed-role/${xml(roleName)}/${xml(session)}</Arn></AssumedRoleUser>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
}

function xml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
