// Per-account credentials by assumed role, for AwsClientFactory's `credentialsFor` seam: a server in
// a staging account is reached with the credentials of a role in that account (STS AssumeRole via
// @aws-sdk/credential-providers), the region coming with each request. One provider per account,
// shared by every region, so the temporary credentials and their refresh are shared too.
// Credentials are never logged; only the role ARN is.
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { DrsCredentials } from './drs-client';

interface AssumedRoleOptions {
  /** The role to assume in `accountId`; undefined = no role (the caller's own credentials). */
  roleArnFor: (accountId: string) => string | undefined;
  /** Region of the STS client (regional STS endpoints). */
  region: string;
  /** Credentials that call AssumeRole; default: the SDK's default chain. */
  masterCredentials?: DrsCredentials;
  /** STS endpoint override (the emulator's STS in tests); unset = real STS. */
  stsEndpoint?: string;
  /** Shows up in CloudTrail of the assumed account. */
  sessionName?: string;
}

/** `credentialsFor(accountId)`: the assumed role's credentials for other accounts, undefined for our own. */
export function assumedRoleCredentials(
  options: AssumedRoleOptions,
): (accountId: string | undefined) => DrsCredentials | undefined {
  const providers = new Map<string, DrsCredentials>();
  return (accountId) => {
    if (!accountId) return undefined;
    const roleArn = options.roleArnFor(accountId);
    if (!roleArn) return undefined;
    let provider = providers.get(accountId);
    if (!provider) {
      provider = sharedAcrossClients(
        fromTemporaryCredentials({
          params: { RoleArn: roleArn, RoleSessionName: options.sessionName ?? 'temporal-drs' },
          ...(options.masterCredentials ? { masterCredentials: options.masterCredentials } : {}),
          clientConfig: {
            region: options.region,
            ...(options.stsEndpoint ? { endpoint: options.stsEndpoint } : {}),
          },
        }),
      );
      providers.set(accountId, provider);
    }
    return provider;
  };
}

type AssumedRoleProvider = ReturnType<typeof fromTemporaryCredentials>;

/** Temporary credentials are renewed this long before they expire. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * One AssumeRole serves every client of the account (DRS, EC2, SSM): each SDK client memoizes
 * its credentials on its own, so without this each would assume the role itself.
 */
function sharedAcrossClients(provider: AssumedRoleProvider): AssumedRoleProvider {
  let pending: ReturnType<AssumedRoleProvider> | undefined;
  return async () => {
    const current = await pending?.catch(() => undefined);
    const fresh =
      current && (!current.expiration || current.expiration.getTime() - Date.now() > RENEW_BEFORE_MS);
    if (current && fresh) return current;
    pending = provider();
    return pending;
  };
}

/** `arn:aws:iam::<accountId>:role/<roleName>`: the same role name in every staging account. */
export const roleInEachAccount =
  (roleName: string, partition = 'aws') =>
  (accountId: string): string =>
    `arn:${partition}:iam::${accountId}:role/${roleName}`;
