// The workflow code a worker runs and the build id it announces. In production the code is a
// bundle built ahead of time (`npm run bundle`, the Dockerfile), so a start costs no webpack run;
// without one (tests and development after a plain `tsc`) the workflows are bundled from source.
// The build id defaults to the package version plus the bundle's hash: two workers announce the
// same build exactly when they run the same workflow code, which is what Worker Versioning needs.
//
// `node dist/worker/workflow-code.js [out-file]` writes the bundle (default dist/workflow-bundle.js).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode, type Logger, type WorkerOptions } from '@temporalio/worker';
import { repoRoot } from '../common/paths';
import { ConfigError, type WorkflowCodeConfig } from './config';

/** Where `npm run bundle` writes the bundle: beside the compiled folders (dist/workflow-bundle.js). */
export const BUILT_BUNDLE_PATH = path.join(__dirname, '..', 'workflow-bundle.js');

/** Compiled at the same moment as every other workflow file by `tsc`, so one file's age stands for all. */
const COMPILED_WORKFLOWS = require.resolve('../workflows');
const WORKFLOW_INTERCEPTORS = [require.resolve('./workflow-metrics')];

/** Bundles `workflowsPath` (default: the product's workflows) with the worker's workflow interceptors. */
export async function bundleWorkflows(workflowsPath = COMPILED_WORKFLOWS, logger?: Logger): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: WORKFLOW_INTERCEPTORS,
    logger,
  });
  return code;
}

export interface WorkflowCode {
  code: string;
  /** `bundle`: read from `path`; `source`: bundled from the compiled workflows at start. */
  source: 'bundle' | 'source';
  path?: string;
  buildId: string;
  /** Why no bundle was used, for the start log. */
  note?: string;
}

/** The bundle named by the configuration, else the build's own bundle if current, else from source. */
export async function loadWorkflowCode(config: WorkflowCodeConfig, logger: Logger): Promise<WorkflowCode> {
  const withId = (code: string, rest: Omit<WorkflowCode, 'code' | 'buildId'>): WorkflowCode => ({
    code,
    buildId: config.buildId ?? defaultBuildId(code),
    ...rest,
  });
  if (config.bundlePath) {
    if (!existsSync(config.bundlePath))
      throw new ConfigError(`WORKER_WORKFLOW_BUNDLE: no file at ${config.bundlePath}`);
    return withId(readFileSync(config.bundlePath, 'utf8'), { source: 'bundle', path: config.bundlePath });
  }
  if (!existsSync(BUILT_BUNDLE_PATH)) {
    return withId(await bundleWorkflows(COMPILED_WORKFLOWS, logger), {
      source: 'source',
      note: `no bundle at ${BUILT_BUNDLE_PATH}`,
    });
  }
  if (statSync(BUILT_BUNDLE_PATH).mtimeMs < statSync(COMPILED_WORKFLOWS).mtimeMs) {
    // a `tsc` after the last `npm run bundle`: the bundle would run yesterday's workflows
    const note = `${BUILT_BUNDLE_PATH} is older than the compiled workflows`;
    return withId(await bundleWorkflows(COMPILED_WORKFLOWS, logger), { source: 'source', note });
  }
  return withId(readFileSync(BUILT_BUNDLE_PATH, 'utf8'), { source: 'bundle', path: BUILT_BUNDLE_PATH });
}

function defaultBuildId(code: string): string {
  const { version } = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return `${version}-${createHash('sha256').update(code).digest('hex').slice(0, 12)}`;
}

/**
 * Worker Versioning on when a deployment name is configured. Every workflow type is AUTO_UPGRADE
 * (its next task runs on the current version, so changes go behind patched()): drills, failovers,
 * failbacks and plans wait for days and the capacity queue never ends, and pinning them would keep
 * old builds running that long. No type is annotated in its own code: the server refuses a
 * versioning behaviour from a worker without deployment options, so an annotation would fail
 * every task of an unversioned worker (docs/deployment.md).
 */
export function deploymentOptions(
  config: WorkflowCodeConfig,
  code: WorkflowCode,
): WorkerOptions['workerDeploymentOptions'] {
  if (!config.deploymentName) return undefined;
  return {
    useWorkerVersioning: true,
    version: { deploymentName: config.deploymentName, buildId: code.buildId },
    defaultVersioningBehavior: 'AUTO_UPGRADE',
  };
}

/** The start log's view: where the code came from and the version this worker announces. */
export function describeWorkflowCode(
  config: WorkflowCodeConfig,
  code: WorkflowCode,
): Record<string, unknown> {
  return {
    workflowCode: { source: code.source, path: code.path, note: code.note, buildId: code.buildId },
    versioning: config.deploymentName
      ? { deploymentName: config.deploymentName, buildId: code.buildId }
      : 'off',
  };
}

if (require.main === module) {
  const out = path.resolve(process.argv[2] ?? BUILT_BUNDLE_PATH);
  void bundleWorkflows().then((code) => {
    writeFileSync(out, code);
    console.log(`workflow bundle written: ${out} (${(code.length / 1e6).toFixed(2)} MB)`);
  });
}
