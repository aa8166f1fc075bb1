// drsExtend: onboarding servers of staging accounts into the recovery account (the account the run
// is in) as extended source servers. Its input, its report, and the rule that decides, from what
// DRS lists, which servers to extend, which to skip and which input to refuse. Pure and
// deterministic: the workflow decides with it before any CreateExtendedSourceServer.
//
// DRS's rules relied on here: ListStagingAccounts names the accounts that already have servers
// extended into this one; ListExtensibleSourceServers (asked in this account, for a staging account)
// lists that account's servers that replicate there, are not extensions themselves and are not yet
// extended into this account; an extended server's stagingArea names its staging server's ARN.
import { z } from 'zod';
import { accountIdSchema, parseInput, regionSchema } from './inputs';

/** The model's SourceServerARN, anchored, with its account and server id captured. */
const SOURCE_SERVER_ARN =
  /^arn:[0-9a-zA-Z_-]+:drs:[0-9a-zA-Z_-]+:(\d{12}):source-server\/(s-[0-9a-zA-Z]{17})$/;

const tagsSchema = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .refine((t) => Object.keys(t).length > 0, 'must name at least one tag');

export const extendInputSchema = z
  .strictObject({
    region: regionSchema,
    /** The recovery account the servers are extended into; default: the worker's own. */
    accountId: accountIdSchema.optional(),
    /** Staging accounts whose extensible servers are extended (all of them, or those `tags` match). */
    stagingAccountIds: z
      .array(accountIdSchema)
      .min(1)
      .max(200)
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an account')
      .optional(),
    /** Staging servers by ARN, arn:aws:drs:<region>:<staging account>:source-server/s-…. */
    sourceServerArns: z
      .array(z.string().regex(SOURCE_SERVER_ARN, 'must be a DRS source server ARN (…:source-server/s-…)'))
      .min(1)
      .max(4000)
      .refine((arns) => new Set(arns).size === arns.length, 'must not repeat a server')
      .optional(),
    /** Extensible servers carrying every one of these tags (in `stagingAccountIds`, or every staging account). */
    tags: tagsSchema.optional(),
    /** `true` extends; otherwise the run only lists what it would extend (a dry run). */
    confirm: z.boolean().default(false),
  })
  .superRefine((input, ctx) => {
    if (!input.stagingAccountIds && !input.sourceServerArns && !input.tags)
      ctx.addIssue({
        code: 'custom',
        path: ['stagingAccountIds'],
        message: 'name the servers: stagingAccountIds, sourceServerArns or tags',
      });
    if (input.sourceServerArns && input.tags)
      ctx.addIssue({
        code: 'custom',
        path: ['tags'],
        message: 'give sourceServerArns or tags, not both',
      });
    if (input.accountId)
      (input.stagingAccountIds ?? []).forEach((id, i) => {
        if (id === input.accountId)
          ctx.addIssue({
            code: 'custom',
            path: ['stagingAccountIds', i],
            message: 'is the recovery account itself (accountId); a server is extended from another account',
          });
      });
  });

export type ExtendInput = z.input<typeof extendInputSchema>;
export type ExtendSpec = z.output<typeof extendInputSchema>;

export function parseExtendInput(raw: unknown): ExtendSpec {
  return parseInput('drsExtend', extendInputSchema, raw);
}

/** The account and server id an ARN names. */
function arnParts(arn: string): { accountId: string; sourceServerId: string } {
  const m = SOURCE_SERVER_ARN.exec(arn);
  return { accountId: m?.[1] ?? '', sourceServerId: m?.[2] ?? '' };
}

/** The staging accounts the run reads: those named, else those DRS lists, plus those of the ARNs. */
export function accountsToRead(spec: ExtendSpec, listed: string[]): string[] {
  const named = spec.stagingAccountIds ?? (spec.sourceServerArns ? [] : listed);
  const ofArns = (spec.sourceServerArns ?? []).map((arn) => arnParts(arn).accountId);
  return [...new Set([...named, ...ofArns])];
}

/** What the reads found, in the recovery account. */
export interface ExtensionCandidates {
  /** ListStagingAccounts. */
  stagingAccounts: string[];
  /** ListExtensibleSourceServers, per staging account read. */
  extensible: { stagingAccountId: string; arn: string; hostname?: string; tags: Record<string, string> }[];
  /** Servers of this account extended from the accounts read (any stagingArea status but NOT_EXTENDED). */
  extended: {
    sourceServerId: string;
    arn: string;
    status: string;
    stagingAccountId: string;
    stagingSourceServerArn: string;
    tags: Record<string, string>;
  }[];
}

export type ExtendResult = 'EXTENDED' | 'WOULD_EXTEND' | 'SKIPPED' | 'FAILED';

export interface ExtendedServerReport {
  /** The staging server's id. */
  sourceServerId: string;
  stagingAccountId: string;
  stagingSourceServerArn: string;
  hostname?: string;
  result: ExtendResult;
  /** The extended source server in the recovery account (new, or the one already there). */
  extendedSourceServerId?: string;
  note?: string;
  errors: string[];
}

interface ExtensionDecision {
  servers: ExtendedServerReport[];
  /** `field: rule` of each refused input; any refuses the whole run before a change. */
  refused: { field: string; message: string }[];
}

const matchesTags = (have: Record<string, string>, want: Record<string, string> | undefined) =>
  !want || Object.entries(want).every(([k, v]) => have[k] === v);

/**
 * Which servers to extend (or would, in a dry run), which are SKIPPED (already extended), and which
 * input is refused: a staging account DRS knows nothing of (not listed as a staging account, and no
 * extensible server), an ARN that is itself an extended server of this account, or any other ARN DRS
 * does not list as extensible.
 */
export function decideExtension(spec: ExtendSpec, found: ExtensionCandidates): ExtensionDecision {
  const refused: ExtensionDecision['refused'] = [];
  const servers: ExtendedServerReport[] = [];
  const pending: ExtendResult = spec.confirm ? 'EXTENDED' : 'WOULD_EXTEND';
  const byStagingArn = new Map(found.extended.map((e) => [e.stagingSourceServerArn, e]));
  const byOwnArn = new Map(found.extended.map((e) => [e.arn, e]));
  const extensible = new Map(found.extensible.map((e) => [e.arn, e]));
  (spec.stagingAccountIds ?? []).forEach((id, i) => {
    const known =
      found.stagingAccounts.includes(id) || found.extensible.some((e) => e.stagingAccountId === id);
    if (!known)
      refused.push({
        field: `stagingAccountIds.${i}`,
        message: `account ${id} is not a staging account of this account: DRS lists it with no extended server and no extensible one`,
      });
  });
  const skipped = (e: ExtensionCandidates['extended'][number]): ExtendedServerReport => ({
    ...arnRow(e.stagingSourceServerArn),
    result: 'SKIPPED',
    extendedSourceServerId: e.sourceServerId,
    note: `already extended as ${e.sourceServerId} (${e.status})`,
    errors: [],
  });
  if (spec.sourceServerArns) {
    spec.sourceServerArns.forEach((arn, i) => {
      const done = byStagingArn.get(arn);
      const candidate = extensible.get(arn);
      const self = byOwnArn.get(arn);
      if (done) servers.push(skipped(done));
      else if (candidate)
        servers.push({ ...arnRow(arn), hostname: candidate.hostname, result: pending, errors: [] });
      else if (self)
        refused.push({
          field: `sourceServerArns.${i}`,
          message: `is itself an extended source server (of ${self.stagingSourceServerArn}); name the staging server instead`,
        });
      else
        refused.push({
          field: `sourceServerArns.${i}`,
          message: `is not extensible: DRS lists it neither as an extensible server of account ${arnParts(arn).accountId} nor as extended into this account (an extension itself, or not a server replicating there)`,
        });
    });
  } else {
    const accounts = new Set(found.extensible.map((e) => e.stagingAccountId));
    for (const e of found.extensible)
      if (matchesTags(e.tags, spec.tags))
        servers.push({ ...arnRow(e.arn), hostname: e.hostname, result: pending, errors: [] });
    for (const e of found.extended)
      if (
        (accounts.has(e.stagingAccountId) || spec.stagingAccountIds?.includes(e.stagingAccountId)) &&
        matchesTags(e.tags, spec.tags)
      )
        servers.push(skipped(e));
  }
  return { servers, refused };
}

function arnRow(
  arn: string,
): Pick<ExtendedServerReport, 'sourceServerId' | 'stagingAccountId' | 'stagingSourceServerArn'> {
  const { accountId, sourceServerId } = arnParts(arn);
  return { sourceServerId, stagingAccountId: accountId, stagingSourceServerArn: arn };
}

export interface ExtendReport {
  operation: 'extend';
  workflowId: string;
  outcome: 'SUCCEEDED' | 'PARTIAL' | 'FAILED';
  region: string;
  accountId?: string;
  dryRun: boolean;
  /** Per staging account read: how many of its servers are extensible and already extended. */
  stagingAccounts: { accountId: string; extensible: number; extended: number }[];
  servers: ExtendedServerReport[];
  summary: string;
  errors: string[];
  startedAt: string;
  finishedAt: string;
}

export interface ExtendProgress {
  operation: 'extend';
  phase: 'listing' | 'extending' | 'done';
  report?: ExtendReport;
}
