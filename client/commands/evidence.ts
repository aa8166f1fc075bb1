// `drsctl evidence`: the evidence store read directly (DRS_EVIDENCE_URL, or --evidence-url), no
// Temporal needed: list runs, show one, verify every hash, export a bundle for an auditor, and write
// the static index site. Exit codes: 0 fine, 1 a file changed or missing (verify) or no evidence
// found, 2 bad flags.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { evidenceEnvSchema, evidenceStoreConfig } from '../../common/evidence-store/config';
import { MANIFEST } from '../../common/evidence-store/layout';
import { verifyRun, type VerifyProblem } from '../../common/evidence-store/manifest';
import { runFolders, storedRuns, type StoredRun } from '../../common/evidence-store/runs';
import { openEvidenceStore, type EvidenceStore } from '../../common/evidence-store/store';
import { parseEnv } from '../../common/config';
import { BadInputError, ExitCode, OperationFailedError } from '../errors';
import { siteIndex } from '../reports/site';
import { parseDuration } from '../durations';

/** The store DRS_EVIDENCE_* name (as the worker reads them), the URL overridden by `--evidence-url`. */
export function configuredEvidenceStore(url?: string, env: NodeJS.ProcessEnv = process.env): EvidenceStore {
  let parsed;
  try {
    parsed = parseEnv(evidenceEnvSchema, { ...env, ...(url ? { DRS_EVIDENCE_URL: url } : {}) });
  } catch (err) {
    throw new BadInputError((err as Error).message);
  }
  return openEvidenceStore(evidenceStoreConfig(parsed));
}

interface StoreFlags {
  evidenceUrl?: string;
}

const storeOf = (cmd: Command) => configuredEvidenceStore(cmd.optsWithGlobals<StoreFlags>().evidenceUrl);

/** `--since 90d` (a duration back from now) or an ISO date; undefined when not given. */
function since(value: string | undefined, flag: string, nowMs = Date.now()): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const t = Date.parse(value);
    if (Number.isNaN(t)) throw new BadInputError(`${flag}: "${value}" is not a date`);
    return new Date(t).toISOString();
  }
  return new Date(nowMs - parseDuration(value, flag)).toISOString();
}

interface ListFlags {
  operation?: string;
  server?: string;
  outcome?: string;
  since?: string;
  until?: string;
  json?: boolean;
}

async function listed(store: EvidenceStore, flags: ListFlags): Promise<StoredRun[]> {
  const from = since(flags.since, '--since');
  const until = since(flags.until, '--until');
  const runs = await storedRuns(store, (k) => !flags.operation || k.operation === flags.operation);
  return runs.filter(({ manifest: m }) => {
    if (flags.outcome && m.outcome !== flags.outcome.toUpperCase()) return false;
    if (flags.server && !m.sourceServerIds.includes(flags.server)) return false;
    if (from && m.closedAt < from) return false;
    if (until && m.closedAt > until) return false;
    return true;
  });
}

function runLine({ manifest: m }: StoredRun): string {
  return `${m.closedAt}  ${m.operation.padEnd(11)} ${m.outcome.padEnd(9)} ${m.workflowId}  (${m.sourceServerIds.length} server(s), run ${m.runId})`;
}

/** The folders of a workflow id, or an error naming it when the store has none. */
async function foldersOf(store: EvidenceStore, workflowId: string): Promise<string[]> {
  const folders = await runFolders(store, workflowId);
  if (!folders.length) throw new OperationFailedError(`no evidence of ${workflowId} in ${store.location}`);
  return folders;
}

const describeProblem = (p: VerifyProblem, folder: string) =>
  `${p.problem.toUpperCase()}: ${p.file} (${folder})`;

/** Verifies each folder, printing one line per folder and per problem; true when all are intact. */
async function verifyFolders(store: EvidenceStore, folders: string[]): Promise<boolean> {
  let intact = true;
  for (const folder of folders) {
    const problems = await verifyRun(store, folder);
    if (problems.length === 0) console.log(`verified: ${folder} (every file matches its manifest)`);
    for (const p of problems) console.error(describeProblem(p, folder));
    intact &&= problems.length === 0;
  }
  return intact;
}

/** Copies every file of `runs` under `out` in the store's layout; returns the files written. */
async function copyRuns(store: EvidenceStore, runs: StoredRun[], out: string, under = ''): Promise<string[]> {
  const written: string[] = [];
  for (const run of runs) {
    for (const name of [...run.manifest.files.map((f) => f.name), MANIFEST]) {
      const bytes = await store.get(`${run.folder}${name}`);
      if (!bytes) continue;
      const file = path.join(out, under, ...`${run.folder}${name}`.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, bytes);
      written.push(file);
    }
  }
  return written;
}

export function evidenceCommand(): Command {
  const evidence = new Command('evidence')
    .description(
      "every run's stored evidence (report, pages, DRS job logs, manifest of SHA-256), read from the evidence store without Temporal",
    )
    .option('--evidence-url <url>', 'the store: file:///path or s3://bucket/prefix (DRS_EVIDENCE_URL)');

  evidence
    .command('list')
    .description('runs in the store, oldest first')
    .option('--operation <name>', 'drill, recovery, failback, replication, plan or readiness')
    .option('--server <source-server-id>', 'runs that included this server')
    .option('--outcome <outcome>', 'SUCCEEDED, PARTIAL, FAILED, ABORTED, READY, AT_RISK, NOT_READY')
    .option('--since <when>', 'closed at or after: a duration back from now (90d, 12h) or a date')
    .option('--until <when>', 'closed at or before: a duration back from now or a date')
    .option('--json', 'one JSON array of the manifests')
    .action(async (flags: ListFlags, cmd: Command) => {
      const runs = await listed(storeOf(cmd), flags);
      if (flags.json)
        console.log(
          JSON.stringify(
            runs.map((r) => ({ folder: r.folder, ...r.manifest })),
            null,
            2,
          ),
        );
      else for (const run of runs) console.log(runLine(run));
      if (!flags.json) console.error(`${runs.length} run(s)`);
    });

  evidence
    .command('show')
    .description("a run's manifest and the summary of its report (every run of the workflow id)")
    .argument('<workflow-id>')
    .action(async (workflowId: string, _flags, cmd: Command) => {
      const store = storeOf(cmd);
      for (const folder of await foldersOf(store, workflowId)) {
        const manifest = await store.get(`${folder}${MANIFEST}`);
        const report = await store.get(`${folder}report.json`);
        console.log(`${store.location.replace(/\/?$/, '/')}${folder}`);
        if (report)
          console.log(`summary: ${(JSON.parse(report.toString()) as { summary?: string }).summary ?? ''}`);
        console.log(manifest ? manifest.toString() : '(no manifest: the write did not finish)');
      }
    });

  evidence
    .command('verify')
    .description(
      "recompute every file's SHA-256 against its manifest; exit 1 naming each file changed or missing",
    )
    .argument('[workflow-id]')
    .option('--all', 'every run in the store')
    .action(async (workflowId: string | undefined, flags: { all?: boolean }, cmd: Command) => {
      const store = storeOf(cmd);
      if (!workflowId && !flags.all) throw new BadInputError('verify: name a workflow id, or --all');
      const folders = flags.all ? await runFolders(store) : await foldersOf(store, workflowId as string);
      process.exitCode = (await verifyFolders(store, folders))
        ? ExitCode.SUCCEEDED
        : ExitCode.OPERATION_FAILED;
    });

  evidence
    .command('export')
    .description(
      'a bundle for an auditor: every file of the runs closed in the window, verified, with an index',
    )
    .option('--since <when>', 'closed at or after: a duration back from now (90d) or a date', '90d')
    .option('--until <when>', 'closed at or before')
    .option('--operation <name>', 'only this operation')
    .requiredOption('--out <dir>', 'folder to write the bundle to')
    .action(async (flags: ListFlags & { out: string }, cmd: Command) => {
      const store = storeOf(cmd);
      const runs = await listed(store, flags);
      const intact = await verifyFolders(
        store,
        runs.map((r) => r.folder),
      );
      const files = await copyRuns(store, runs, flags.out);
      writeFileSync(
        path.join(flags.out, 'index.json'),
        `${JSON.stringify({ exportedAt: new Date().toISOString(), from: store.location, runs: runs.map((r) => ({ folder: r.folder, ...r.manifest })) }, null, 2)}\n`,
      );
      console.error(`exported ${runs.length} run(s), ${files.length} file(s) to ${flags.out}`);
      process.exitCode = intact ? ExitCode.SUCCEEDED : ExitCode.OPERATION_FAILED;
    });

  evidence
    .command('site')
    .description(
      'a static offline HTML index: runs by application, the last successful drill per server, RTO/RPO trends against targets',
    )
    .requiredOption('--out <dir>', 'folder to write index.html and the run pages to')
    .option('--since <when>', 'runs closed at or after (a duration back from now, or a date)', '400d')
    .action(async (flags: ListFlags & { out: string }, cmd: Command) => {
      const store = storeOf(cmd);
      const runs = await listed(store, flags);
      const pageOf = (run: StoredRun) => `runs/${run.folder}report.html`;
      for (const run of runs) {
        const page = await store.get(`${run.folder}report.html`);
        if (!page) continue;
        const file = path.join(flags.out, ...pageOf(run).split('/'));
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, page);
      }
      mkdirSync(flags.out, { recursive: true });
      const index = path.join(flags.out, 'index.html');
      writeFileSync(
        index,
        siteIndex({ runs, location: store.location, generatedAt: new Date().toISOString(), pageOf }),
      );
      console.error(`site written: ${index} (${runs.length} run(s))`);
    });
  return evidence;
}
