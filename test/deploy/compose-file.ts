// Reading docker-compose.yml the way `docker compose` would, enough for the deployment tests.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../common/paths';

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  profiles?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  command?: string[];
  entrypoint?: string[];
  volumes?: string[];
  stop_grace_period?: string;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

export function readRepoFile(relative: string): string {
  return readFileSync(path.join(repoRoot(), relative), 'utf8');
}

/** With `<<` merge keys resolved, as compose does: the two worker services share one definition. */
export function loadCompose(): ComposeFile {
  return parse(readRepoFile('docker-compose.yml'), { merge: true }) as ComposeFile;
}

/** `${NAME:-default}` → its default; a literal value → itself. */
export function composeDefault(value: string | number): string {
  const text = String(value);
  const interpolated = /^\$\{[A-Z0-9_]+:-(.*)\}$/.exec(text);
  return interpolated ? interpolated[1] : text;
}

/** Variables the code declares but the compose service lacks, and the other way round. */
export function envDrift(
  declared: readonly string[],
  service: ComposeService,
): { missingInCompose: string[]; unknownToCode: string[] } {
  const inCompose = Object.keys(service.environment ?? {});
  return {
    missingInCompose: declared.filter((name) => !inCompose.includes(name)),
    unknownToCode: inCompose.filter((name) => !declared.includes(name)),
  };
}

/** Host ports a service publishes ("8080:8080" → 8080). */
export function publishedPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((p) => Number(p.split(':').at(-2)));
}

/** The host address each published port binds to, as compose reads it with nothing set ("" = every interface). */
export function publishedAddresses(service: ComposeService): string[] {
  return (service.ports ?? []).map((p) => {
    const bind = /^(\$\{[A-Z0-9_]+:-[^}]*\}|[^:]*):\d+:\d+$/.exec(p)?.[1];
    return bind === undefined ? '' : composeDefault(bind);
  });
}

/** Container ports a service publishes ("9464:9464" → 9464). */
export function containerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((p) => Number(p.split(':').at(-1)));
}

/**
 * name:tag, pinned = a numeric release tag with at least major.minor (PostgreSQL's releases are
 * major.minor); never `latest`, a bare major or a floating name.
 */
export function isPinned(image: string): boolean {
  const tag = /:([^:/@]+)$/.exec(image)?.[1];
  return tag !== undefined && /^\d+\.\d+(\.\d+)?([-.][\w.-]+)?$/.test(tag);
}
