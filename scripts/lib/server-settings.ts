// The Temporal server settings that docker-compose.yml and `npm run stack` share, read from one
// place, deploy/temporal/: the dynamic config file, and namespace.env (the namespace's retention and
// the search attributes registered on it). docker-compose mounts the folder into its server and its
// setup job (register.sh sources namespace.env); the stack points its server at the same dynamic
// config file and registers the namespace from the same namespace.env (test/deploy/server-settings.test.ts).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { temporal } from '@temporalio/proto';
import { repoRoot } from '../../common/paths';

/** The server settings folder, relative to the repository root (mounted as /deploy by docker-compose). */
export const SERVER_SETTINGS_DIR = 'deploy/temporal';
/** Dynamic config of every Temporal server this project runs on PostgreSQL. */
export const DYNAMIC_CONFIG_FILE = `${SERVER_SETTINGS_DIR}/dynamicconfig/development-sql.yaml`;
export const NAMESPACE_SETTINGS_FILE = `${SERVER_SETTINGS_DIR}/namespace.env`;

interface NamespaceSettings {
  retentionHours: number;
  /** Name → the CLI's type name (Keyword, KeywordList, Int, …), in file order. */
  searchAttributes: Record<string, string>;
}

const INDEXED_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Text: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * namespace.env is a shell file (register.sh sources it with /bin/sh), so it stays to plain
 * `NAME=value` and `NAME="a b"` lines; anything else is refused rather than guessed.
 */
export function parseNamespaceSettings(text: string, file = NAMESPACE_SETTINGS_FILE): NamespaceSettings {
  const vars: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Z_][A-Z0-9_]*)=(?:"([^"$`\\]*)"|([^\s"'$`\\]*))$/.exec(line);
    if (!m) throw new Error(`${file}:${i + 1}: expected NAME=value or NAME="value"`);
    vars[m[1]] = m[2] ?? m[3];
  }
  const retention = /^(\d+)h$/.exec(vars.NAMESPACE_RETENTION ?? '');
  if (!retention || Number(retention[1]) < 24)
    throw new Error(`${file}: NAMESPACE_RETENTION must be whole hours, at least 24h (e.g. 72h)`);
  const searchAttributes: Record<string, string> = {};
  for (const pair of (vars.SEARCH_ATTRIBUTES ?? '').split(/\s+/).filter(Boolean)) {
    const [name, type] = pair.split('=');
    if (!name || !(type in INDEXED_TYPES))
      throw new Error(
        `${file}: SEARCH_ATTRIBUTES entry "${pair}" must be Name=Type, Type one of ${Object.keys(INDEXED_TYPES).join(', ')}`,
      );
    searchAttributes[name] = type;
  }
  return { retentionHours: Number(retention[1]), searchAttributes };
}

export function readNamespaceSettings(): NamespaceSettings {
  return parseNamespaceSettings(readFileSync(path.join(repoRoot(), NAMESPACE_SETTINGS_FILE), 'utf8'));
}

/** The search attributes as operatorService.addSearchAttributes takes them. */
export function indexedSearchAttributes(
  settings: NamespaceSettings,
): Record<string, temporal.api.enums.v1.IndexedValueType> {
  return Object.fromEntries(
    Object.entries(settings.searchAttributes).map(([name, type]) => [name, INDEXED_TYPES[type]]),
  );
}
