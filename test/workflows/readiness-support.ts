// One drsReadiness suite's setup: the drill harness with the worker's assumed roles, declared past
// drills instead of visibility (the time-skipping server has none), and a run helper that also
// proves readiness changed nothing in DRS.
import assert from 'node:assert/strict';
import type { ReadinessInput, ReadinessReport } from '../../common/readiness';
import { drsReadiness } from '../../workflows';
import { useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { mutatingCalls, resultOf, startOn } from './lifecycle-support';
import { declaredDrills } from './visibility';

const DAY_MS = 24 * 3600 * 1000;

export function useReadinessSuite(use: (h: DrillHarness) => void) {
  let h: DrillHarness;
  const visibility = declaredDrills();
  useDrillHarness(
    (harness) => use((h = harness)),
    { listRuns: visibility.listRuns },
    { accountRoleName: 'DrsOrchestrator' },
  );
  beforeEach(() => visibility.clear());
  return {
    visibility,
    /** Runs drsReadiness to its report, asserting it succeeded and made no mutating DRS call. */
    async readiness(input: ReadinessInput): Promise<ReadinessReport> {
      const { result, failure } = await resultOf<ReadinessReport>(
        h,
        await startOn(h, drsReadiness, 'readiness', input),
      );
      assert.ifError(failure);
      assert.ok(result, 'a readiness run returns its report');
      assert.deepEqual(await mutatingCalls(h), [], 'readiness changes nothing in DRS');
      return result;
    },
    /** Declares a SUCCEEDED drill of the server that closed `days` ago in workflow time. */
    async drilledDaysAgo(sourceServerId: string, days: number) {
      visibility.declare(sourceServerId, {
        workflowId: `drill-of-${sourceServerId}`,
        closeTime: new Date((await h.env.currentTimeMs()) - days * DAY_MS),
      });
    },
  };
}
