// A plan's history holds its report once: the evidence activity's input carries the report
// deflated, so a big plan's history does not hold the report twice (as the input of its last
// activity and as its result). Measured on a real plan of EVIDENCE_PLAN_SERVERS servers
// (default 300; docs/benchmarks.md gives the figures at 4,000) on the time-skipping server.
import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import type { PlanReport } from '../../common/types-plan';
import { drsPlan } from '../../workflows';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { resultOf, startOn } from './lifecycle-support';

const SERVERS = Number(process.env.EVIDENCE_PLAN_SERVERS ?? 300);

const payloadBytes = (payloads?: temporal.api.common.v1.IPayloads | null) =>
  (payloads?.payloads ?? []).reduce((n, p) => n + (p.data?.length ?? 0), 0);

describe('evidence and a big plan history (time-skipping, emulator)', function () {
  this.timeout(1_800_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  it(`a ${SERVERS}-server plan's evidence input is a fraction of its report`, async () => {
    await h.emulator.control.reset({ inventory: 'empty' });
    await h.emulator.control.addServers({ count: SERVERS, tags: { Wave: 'big' } });
    const plan = await startOn(h, drsPlan, 'plan', {
      region: REGION,
      waves: [{ name: 'big', tags: { Wave: 'big' } }],
    });
    const { result } = await resultOf<PlanReport & { evidence?: { stored: boolean } }>(h, plan);
    assert.equal(result?.servers.length, SERVERS);
    assert.ok(result?.evidence?.stored, JSON.stringify(result?.evidence));

    const history = await plan.fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'storeEvidence',
    );
    const evidenceInput = payloadBytes(scheduled?.activityTaskScheduledEventAttributes?.input);
    const resultBytes = payloadBytes(events.at(-1)?.workflowExecutionCompletedEventAttributes?.result);
    const historyBytes = temporal.api.history.v1.History.encode(history).finish().length;
    console.log(
      `      ${SERVERS} servers: history ${historyBytes} bytes, result ${resultBytes}, evidence input ${evidenceInput}`,
    );
    assert.ok(evidenceInput > 0, 'the evidence activity was scheduled');
    assert.ok(
      evidenceInput * 4 < resultBytes,
      `evidence input ${evidenceInput} bytes against a ${resultBytes}-byte report`,
    );
  });
});
