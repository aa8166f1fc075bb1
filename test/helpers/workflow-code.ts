// The product's workflow code for the workers tests create in-process: what a real worker runs
// (the prebuilt bundle when current, which `npm test` builds, else bundled from the compiled
// workflows), loaded once per process. Bundling with webpack costs seconds of CPU per worker.
import { DefaultLogger } from '@temporalio/worker';
import { loadWorkflowCode } from '../../worker/workflow-code';

let loaded: Promise<{ code: string }> | undefined;

export function productWorkflowBundle(): Promise<{ code: string }> {
  loaded ??= loadWorkflowCode({}, new DefaultLogger('ERROR')).then(({ code }) => ({ code }));
  return loaded;
}
