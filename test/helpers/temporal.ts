// Temporal servers for tests, all from the project's own tools folder (never downloaded by the SDK):
// - timeSkippingEnv(): the Java time-skipping test server, one per suite;
// - devServerEnv(): one Temporal CLI dev server shared by the whole mocha run, stopped at the end,
//   with its Web UI on (devServerUiUrl()) for the browser test.
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
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
  });
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

let shared: Promise<TestWorkflowEnvironment> | undefined;
let uiUrl: string | undefined;

/** The shared dev server (with the project's custom search attributes registered and its Web UI). */
export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  shared ??= freePort().then((uiPort) => {
    uiUrl = `http://127.0.0.1:${uiPort}`;
    return TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCliPath() },
        ip: '127.0.0.1',
        ui: true,
        uiPort,
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        extraArgs: ['--log-level', 'error'],
      },
    });
  });
  return shared;
}

/** The shared dev server's Web UI, e.g. http://127.0.0.1:41234 (starts the server if needed). */
export async function devServerUiUrl(): Promise<string> {
  await devServerEnv();
  return uiUrl as string;
}

export async function stopDevServer(): Promise<void> {
  if (!shared) return;
  const env = await shared.catch(() => undefined);
  shared = undefined;
  uiUrl = undefined;
  await env?.teardown();
}
