// Probe targets on a worker with the default probe rule (no loopback, no CIDRs): a host an input
// names that the rule refuses fails the run as InvalidInput naming the field, before any DRS call
// and without a probe. Traffic stays on 127.0.0.1: a listener there counts connections.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import { OWN_INSTANCES_ONLY } from '../../activities/probe-targets';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { resultOf, serverId, workflowId } from './lifecycle-support';

describe('probe targets on a worker that does not allow loopback (time-skipping server + emulator)', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness), { probePolicy: OWN_INSTANCES_ONLY });

  let listener: Server;
  let port: number;
  let connections = 0;
  before(async () => {
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  const start = (type: string, input: Record<string, unknown>): Promise<WorkflowHandle> =>
    h.env.client.workflow.start(type, {
      args: [input],
      taskQueue: h.taskQueue,
      workflowId: workflowId(type),
    });

  it('refuses a plan whose pre-check names a loopback address: no probe, no DRS call', async () => {
    connections = 0;
    const { failure } = await resultOf(
      h,
      await start('drsPlan', {
        region: REGION,
        waves: [
          {
            name: 'db',
            tags: { Wave: '1' },
            preChecks: { checks: [{ type: 'tcp', port }], hosts: ['127.0.0.1'] },
          },
        ],
      }),
    );
    assert.equal(failure?.type, 'InvalidInput');
    assert.match(failure?.message ?? '', /waves\.0\.preChecks\.hosts\.0: 127\.0\.0\.1 is loopback/);
    assert.equal(connections, 0, 'no probe');
    assert.deepEqual(await h.emulator.control.audit(), [], 'no DRS call');
  });

  it('refuses a drill whose health checks name a metadata address for a server, before any DRS call', async () => {
    const server = await serverId(h, 'web-01');
    const { failure } = await resultOf(
      h,
      await start('drsDrill', {
        sourceServerIds: [server],
        region: REGION,
        validation: {
          mode: 'healthChecks',
          checks: [{ type: 'tcp', port: 80 }],
          hosts: { [server]: '169.254.169.254' },
        },
      }),
    );
    assert.equal(failure?.type, 'InvalidInput');
    assert.match(
      failure?.message ?? '',
      new RegExp(`validation\\.hosts\\.${server}: 169\\.254\\.169\\.254 is link-local`),
    );
    assert.deepEqual(await h.emulator.control.audit(), [], 'no DRS call');
  });
});
