// Temporal servers for tests, all from the project's own tools folder (never downloaded by the SDK):
// - timeSkippingEnv(): the Java time-skipping test server, one per suite;
// - devServerEnv(): one Temporal CLI dev server for the whole mocha run (every worker process of a
//   parallel run connects to it), started and stopped by the run's global fixtures (hooks.ts), with
//   its Web UI on (devServerUiUrl()) for the browser tests.
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath, testServerPath } from '../../common/paths';
import { ALL_SEARCH_ATTRIBUTES } from '../../common/search-attributes';
import { freePort } from '../../scripts/lib/ports';

export { freePort };

/** The time-skipping test server, with the custom search attributes the workflows upsert registered
 * (unlike the dev server it takes no start flag for them; an upsert of an unknown one fails the task). */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await startTimeSkipping();
  const indexedType: Record<string, temporal.api.enums.v1.IndexedValueType> = {
    [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    [SearchAttributeType.KEYWORD_LIST]:
      temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
    [SearchAttributeType.INT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  };
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, indexedType[key.type]]),
    ),
  });
  return env;
}

/** Where the run's dev server listens, for mocha's worker processes (set by startDevServer). */
const ADDRESS_ENV = 'DRS_TEST_DEV_SERVER';
const UI_ENV = 'DRS_TEST_DEV_SERVER_UI';

/**
 * The SDK gives the server 5 s to listen, a deadline a JVM can miss when the suite runs two files
 * at once on 2 cores: a start that timed out is tried again.
 */
async function startTimeSkipping(attempts = 3): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: testServerPath() } },
      });
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test(String(err))) throw err;
    }
  }
}

let owned: TestWorkflowEnvironment | undefined;
let shared: Promise<TestWorkflowEnvironment> | undefined;

/**
 * Starts the run's one dev server (mocha's global setup, hooks.ts: the main process, before any
 * worker process), with its Web UI and the project's custom search attributes.
 */
export async function startDevServer(): Promise<void> {
  const uiPort = await freePort();
  owned = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      ui: true,
      uiPort,
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error'],
    },
  });
  process.env[ADDRESS_ENV] = owned.address;
  process.env[UI_ENV] = `http://127.0.0.1:${uiPort}`;
}

export async function stopDevServer(): Promise<void> {
  const env = owned;
  owned = undefined;
  await (await shared?.catch(() => undefined))?.teardown();
  shared = undefined;
  await env?.teardown();
}

/** The run's dev server, connected from this process (test files share it, each on its own task queues). */
export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  const address = process.env[ADDRESS_ENV];
  if (!address) throw new Error(`no dev server: run mocha with --require dist/test/helpers/hooks.js`);
  shared ??= TestWorkflowEnvironment.createFromExistingServer({ address });
  return shared;
}

/** The dev server's Web UI, e.g. http://127.0.0.1:41234. */
export function devServerUiUrl(): string {
  const url = process.env[UI_ENV];
  if (!url) throw new Error(`no dev server: run mocha with --require dist/test/helpers/hooks.js`);
  return url;
}
