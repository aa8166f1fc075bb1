// Temporal servers for tests, all from the project's own tools folder (never downloaded by the SDK):
// - timeSkippingEnv(): the Java time-skipping test server, one per suite;
// - devServerEnv(): one Temporal CLI dev server shared by the whole mocha run, stopped at the end.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath, testServerPath } from '../../common/paths';
import { ALL_SEARCH_ATTRIBUTES } from '../../common/search-attributes';

export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
  });
}

let shared: Promise<TestWorkflowEnvironment> | undefined;

/** The shared dev server (with the project's custom search attributes registered). */
export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  shared ??= TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error'],
    },
  });
  return shared;
}

export async function stopDevServer(): Promise<void> {
  if (!shared) return;
  const env = await shared.catch(() => undefined);
  shared = undefined;
  await env?.teardown();
}
