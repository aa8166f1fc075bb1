// A drill whose launch start fails after DRS created the job (its response lost, then the retry's
// lookup refused) finds that job and cleans it up instead of leaving its instances running. The
// emulator drops the StartRecovery response; the retry's DescribeJobs is refused once by a
// middleware on the worker's real SDK client (AccessDenied is not retried).
import { strict as assert } from 'node:assert';
import type { DrsClient } from '@aws-sdk/client-drs';
import { WorkflowFailedError } from '@temporalio/client';
import { AwsClientFactory } from '../../activities/drs-client';
import { emulatorCredentials } from '../../emulator';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

/** The emulator's clients, once the harness has started it; the first lookup of jobs since a date is denied. */
class LookupDeniedOnce extends AwsClientFactory {
  inner?: AwsClientFactory;
  denied = 0;
  private readonly wired = new WeakSet<DrsClient>();

  constructor() {
    super({ defaultRegion: REGION });
  }

  override drsClient(region: string | undefined, accountId?: string): DrsClient {
    if (!this.inner) throw new Error('the emulator is not up yet');
    const client = this.inner.drsClient(region, accountId);
    if (!this.wired.has(client)) {
      this.wired.add(client);
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { filters?: { fromDate?: string } };
          if (context.commandName === 'DescribeJobsCommand' && input.filters?.fromDate && this.denied++ === 0)
            throw Object.assign(new Error('denied once by the test'), {
              name: 'AccessDeniedException',
              $metadata: { httpStatusCode: 403 },
            });
          return next(args);
        },
        { step: 'initialize', name: 'denyFirstStepLookup' },
      );
    }
    return client;
  }
}

describe('a drill whose launch start fails after creating the job (time-skipping server + emulator)', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  const clients = new LookupDeniedOnce();
  useDrillHarness(
    (harness) => {
      h = harness;
      clients.inner = new AwsClientFactory({
        endpoint: harness.emulator.url,
        defaultRegion: REGION,
        credentialsFor: emulatorCredentials,
      });
    },
    { drsClients: clients },
  );

  it('finds the job it created and terminates its drill instances', async () => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.faults({ operation: 'StartRecovery', dropResponses: 1 });
    const { error } = await h.outcome(await h.startDrill({ sourceServerIds: servers, region: REGION }));
    assert.ok(error instanceof WorkflowFailedError, String(error));
    assert.equal(clients.denied >= 1, true, "the start's lookup was refused");
    assert.equal((await h.executed('StartRecovery')).length, 1, 'launched once');
    assert.equal((await h.executed('TerminateRecoveryInstances')).length, 1, 'and cleaned up');
    assert.deepEqual(await h.drillInstancesLeft(), []);
  });
});
