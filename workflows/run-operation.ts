// How an operation without a launch of its own starts (drsFailback, drsReprotect, drsReplication):
// its progress query answers at once, the input is validated (a refusal stores evidence), then the
// operator's abort is accepted, the run is made findable and its end is stored and notified. One
// order for all of them, so a change to it is made once. Drills and failovers: runLaunchOperation.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { setHandler, upsertSearchAttributes, workflowInfo, type QueryDefinition } from '@temporalio/workflow';
import { DrsOperation } from '../common/search-attributes';
import type { RunSoFar } from './end-evidence';
import { notifyingEnd } from './notifications';
import { validated } from './operation-support';
import { acceptOperatorMessages, type OperatorActions } from './operator-messages';

interface OperationStart<Spec, Progress, Report extends { operation: string; outcome: string }> {
  operation: string;
  /** The run's record: answers `progress` and keeps the validated input. */
  record: { spec?: Spec; progress(): Progress };
  progressQuery: QueryDefinition<Progress>;
  parse: (raw: unknown) => Spec;
  actions: (spec: Spec) => OperatorActions;
  /** What makes the run findable; by default its operation (the DrsOperation search attribute). */
  searchAttributes?: (spec: Spec) => SearchAttributeUpdatePair[];
  /** What the run knew, for the minimal report of a run that ends without one. */
  soFar?: (spec: Spec) => RunSoFar;
  run: (spec: Spec) => Promise<Report>;
}

export async function runOperation<Spec, Progress, Report extends { operation: string; outcome: string }>(
  input: unknown,
  o: OperationStart<Spec, Progress, Report>,
): Promise<Report> {
  setHandler(o.progressQuery, () => o.record.progress());
  const spec = await validated(o.operation, o.parse, input);
  o.record.spec = spec;
  acceptOperatorMessages(workflowInfo().workflowType, o.actions(spec));
  upsertSearchAttributes(o.searchAttributes?.(spec) ?? [{ key: DrsOperation, value: o.operation }]);
  const { soFar } = o;
  return notifyingEnd(o.operation, () => o.run(spec), soFar ? { soFar: () => soFar(spec) } : {});
}
