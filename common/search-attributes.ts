// Custom search attributes that make DRS runs filterable in the Temporal UI's workflow list.
// Registered by the local stack (scripts/dev-server.ts, test harness, docker-compose) and upserted
// by the workflows. Safe to import from workflow code.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const DrsOperation = defineSearchAttributeKey('DrsOperation', SearchAttributeType.KEYWORD);
export const DrsSourceServers = defineSearchAttributeKey(
  'DrsSourceServers',
  SearchAttributeType.KEYWORD_LIST,
);
export const DrsPhase = defineSearchAttributeKey('DrsPhase', SearchAttributeType.KEYWORD);
export const DrsOutcome = defineSearchAttributeKey('DrsOutcome', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [DrsOperation, DrsSourceServers, DrsPhase, DrsOutcome];

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  const cliType: Record<string, string> = {
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  };
  return ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type]}`]);
}
