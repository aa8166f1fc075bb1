// Custom search attributes that make DRS runs filterable in the Temporal UI's workflow list.
// Registered by the local stack (scripts/dev-server.ts, test harness, docker-compose) and upserted
// by the workflows. Safe to import from workflow code.
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type SearchAttributeUpdatePair,
} from '@temporalio/common';

export const DrsOperation = defineSearchAttributeKey('DrsOperation', SearchAttributeType.KEYWORD);
export const DrsSourceServers = defineSearchAttributeKey(
  'DrsSourceServers',
  SearchAttributeType.KEYWORD_LIST,
);
export const DrsPhase = defineSearchAttributeKey('DrsPhase', SearchAttributeType.KEYWORD);
export const DrsOutcome = defineSearchAttributeKey('DrsOutcome', SearchAttributeType.KEYWORD);
/** How many source servers the run covers (DrsSourceServers may hold only the first of them). */
const DrsServerCount = defineSearchAttributeKey('DrsServerCount', SearchAttributeType.INT);

/** A plan's accounts (the worker's own: `own`) and regions, each wave's included. */
export const DrsAccounts = defineSearchAttributeKey('DrsAccounts', SearchAttributeType.KEYWORD_LIST);
export const DrsRegions = defineSearchAttributeKey('DrsRegions', SearchAttributeType.KEYWORD_LIST);

export const ALL_SEARCH_ATTRIBUTES = [
  DrsOperation,
  DrsSourceServers,
  DrsPhase,
  DrsOutcome,
  DrsServerCount,
  DrsAccounts,
  DrsRegions,
];

/**
 * Temporal's default limit on one search attribute value: 2 KB of its JSON encoding, which holds
 * about 93 source server ids. A run with more lists the first ids that fit; every id is in its input,
 * its report and (for plans) its child workflows.
 */
export const SEARCH_ATTRIBUTE_VALUE_BYTES = 2048;

/** The ids that fit in one KeywordList value, in order (ids are ASCII: one byte per character). */
export function idsThatFit(ids: readonly string[], maxBytes = SEARCH_ATTRIBUTE_VALUE_BYTES): string[] {
  let bytes = 2; // []
  const fit: string[] = [];
  for (const id of ids) {
    bytes += id.length + 2 + (fit.length > 0 ? 1 : 0); // quotes, and a comma after the first
    if (bytes > maxBytes) break;
    fit.push(id);
  }
  return fit;
}

/** DrsSourceServers (the ids that fit) and DrsServerCount, for one upsert. */
export function sourceServerAttributes(sourceServerIds: readonly string[]): SearchAttributeUpdatePair[] {
  return [
    { key: DrsSourceServers, value: idsThatFit(sourceServerIds) },
    { key: DrsServerCount, value: sourceServerIds.length },
  ];
}

/** DrsOperation with the source server attributes, for one upsert. */
export function serverSearchAttributes(
  operation: string,
  sourceServerIds: readonly string[],
): SearchAttributeUpdatePair[] {
  return [{ key: DrsOperation, value: operation }, ...sourceServerAttributes(sourceServerIds)];
}

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  const cliType: Record<string, string> = {
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
    [SearchAttributeType.INT]: 'Int',
  };
  return ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type]}`]);
}
