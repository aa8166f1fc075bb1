// The capacity queue's rules (common/capacity.ts): DRS's job quotas per account and region, first
// come first served, cleanup before launches, one active job per server.
import assert from 'node:assert/strict';
import {
  CapacityQueue,
  emptyCapacityState,
  impossibleRequest,
  type CapacityLane,
  type CapacityRequest,
} from '../../common/capacity';

let n = 0;
const ask = (servers: string[] | number, lane: CapacityLane = 'launch'): CapacityRequest => {
  const id = ++n;
  return {
    requestId: `wf-${id}/run/launch`,
    workflowId: `wf-${id}`,
    runId: 'run',
    sourceServerIds:
      typeof servers === 'number' ? Array.from({ length: servers }, (_, i) => `s-${id}-${i}`) : servers,
    lane,
    purpose: 'test',
    requestedAt: new Date(0).toISOString(),
  };
};
const grantedIds = (queue: CapacityQueue) => queue.grant('now').map((h) => h.workflowId);

describe('capacity queue rules', () => {
  it('grants at most maxConcurrentJobs places, the rest in arrival order as places come back', () => {
    const queue = new CapacityQueue(
      emptyCapacityState({ maxConcurrentJobs: 2, maxServersInActiveJobs: 500 }),
    );
    const requests = [ask(1), ask(1), ask(1), ask(1)];
    for (const r of requests) queue.request(r);
    assert.deepEqual(grantedIds(queue), [requests[0].workflowId, requests[1].workflowId]);
    assert.deepEqual(grantedIds(queue), []);
    assert.deepEqual(
      queue.positions().map((p) => [p.requestId, p.position, p.jobsInUse]),
      [
        [requests[2].requestId, 1, 2],
        [requests[3].requestId, 2, 2],
      ],
    );
    queue.release(requests[1].requestId);
    assert.deepEqual(grantedIds(queue), [requests[2].workflowId]);
  });

  it('counts servers across active jobs, and a large request at the front is not overtaken', () => {
    const queue = new CapacityQueue(
      emptyCapacityState({ maxConcurrentJobs: 20, maxServersInActiveJobs: 150 }),
    );
    const first = ask(100);
    const large = ask(100);
    const small = ask(1);
    for (const r of [first, large, small]) queue.request(r);
    assert.deepEqual(grantedIds(queue), [first.workflowId]);
    queue.release(first.requestId);
    assert.deepEqual(grantedIds(queue), [large.workflowId, small.workflowId]);
    assert.deepEqual(queue.usage(), { jobsInUse: 2, serversInUse: 101 });
  });

  it('never puts a server into two active jobs', () => {
    const queue = new CapacityQueue(emptyCapacityState());
    const a = ask(['s-1', 's-2']);
    const b = ask(['s-2']);
    queue.request(a);
    queue.request(b);
    assert.deepEqual(grantedIds(queue), [a.workflowId]);
    queue.release(a.requestId);
    assert.deepEqual(grantedIds(queue), [b.workflowId]);
  });

  it('serves cleanup before launches that came earlier', () => {
    const queue = new CapacityQueue(
      emptyCapacityState({ maxConcurrentJobs: 1, maxServersInActiveJobs: 500 }),
    );
    const holder = ask(1);
    const launch = ask(1);
    const cleanup = ask(1, 'cleanup');
    queue.request(holder);
    assert.deepEqual(grantedIds(queue), [holder.workflowId]);
    queue.request(launch);
    queue.request(cleanup);
    assert.deepEqual(
      queue.positions().map((p) => p.requestId),
      [cleanup.requestId, launch.requestId],
    );
    queue.release(holder.requestId);
    assert.deepEqual(grantedIds(queue), [cleanup.workflowId]);
  });

  it('serves failovers before every waiting drill, cleanups included; the others keep their order', () => {
    const limits = { maxConcurrentJobs: 1, maxServersInActiveJobs: 500 };
    const queue = new CapacityQueue(emptyCapacityState(limits));
    const holder = ask(1);
    const drills = [ask(1), ask(1, 'cleanup'), ask(1)];
    const failovers = [
      { ...ask(1), priority: 'failover' as const },
      { ...ask(1), priority: 'failover' as const },
    ];
    queue.request(holder);
    assert.deepEqual(grantedIds(queue), [holder.workflowId]);
    for (const r of [drills[0], failovers[0], drills[1], drills[2], failovers[1]]) queue.request(r);
    assert.deepEqual(
      queue.positions().map((p) => p.requestId),
      [failovers[0], failovers[1], drills[1], drills[0], drills[2]].map((r) => r.requestId),
    );
    assert.deepEqual(queue.standing(failovers[0].requestId), { granted: false, position: 1 });
    queue.release(holder.requestId);
    assert.deepEqual(grantedIds(queue), [failovers[0].workflowId]);
    assert.deepEqual(
      queue.preemptibleHolders().map((h) => h.workflowId),
      [],
      "a failover's place is never preempted",
    );

    // a queue run from before priorities keeps first come, first served within each lane
    const old = new CapacityQueue(emptyCapacityState(limits), false);
    for (const r of [drills[0], failovers[0], drills[1]]) old.request(r);
    assert.deepEqual(
      old.positions().map((p) => p.requestId),
      [drills[1], drills[0], failovers[0]].map((r) => r.requestId),
    );
  });

  it('offers launch places held without priority for preemption, not cleanups', () => {
    const queue = new CapacityQueue(
      emptyCapacityState({ maxConcurrentJobs: 5, maxServersInActiveJobs: 500 }),
    );
    const launch = ask(1);
    const cleanup = ask(1, 'cleanup');
    for (const r of [launch, cleanup]) queue.request(r);
    queue.grant('now');
    assert.deepEqual(
      queue.preemptibleHolders().map((h) => h.workflowId),
      [launch.workflowId],
    );
  });

  it("hands a run's place to its next job in one step: a launch waiting at the front does not take it", () => {
    const queue = new CapacityQueue(
      emptyCapacityState({ maxConcurrentJobs: 1, maxServersInActiveJobs: 500 }),
    );
    const holder = ask(['s-a']);
    const waiting = ask(1);
    queue.request(holder);
    grantedIds(queue);
    queue.request(waiting);
    const cleanup = { ...holder, requestId: `${holder.workflowId}/run/cleanup`, lane: 'cleanup' as const };
    assert.equal(queue.handOver(holder.requestId, cleanup, 'now'), true);
    assert.deepEqual(grantedIds(queue), [], 'still one job in use');
    assert.deepEqual(
      queue.state.holders.map((h) => h.requestId),
      [cleanup.requestId],
    );
    assert.equal(queue.handOver(holder.requestId, cleanup, 'now'), false, 'a repeat changes nothing');
    queue.release(cleanup.requestId);
    assert.deepEqual(grantedIds(queue), [waiting.workflowId]);
  });

  it('ignores a repeated request, also after its place was given back, and leaving the queue frees nothing twice', () => {
    const queue = new CapacityQueue(
      emptyCapacityState({ maxConcurrentJobs: 1, maxServersInActiveJobs: 500 }),
    );
    const a = ask(1);
    assert.equal(queue.request(a), true);
    assert.equal(queue.request({ ...a }), false);
    grantedIds(queue);
    assert.equal(queue.release(a.requestId), true);
    assert.equal(queue.release(a.requestId), false);
    assert.equal(queue.request({ ...a }), false, 'a late duplicate after release is not queued again');
    assert.deepEqual(queue.state.waiting, []);
  });

  it('tells a request where it stands: granted, its position, or unknown', () => {
    const queue = new CapacityQueue(
      emptyCapacityState({ maxConcurrentJobs: 1, maxServersInActiveJobs: 500 }),
    );
    const [a, b] = [ask(1), ask(1)];
    queue.request(a);
    queue.request(b);
    queue.grant('now');
    assert.deepEqual(queue.standing(a.requestId), { granted: true });
    assert.deepEqual(queue.standing(b.requestId), { granted: false, position: 1 });
    assert.deepEqual(queue.standing('nobody'), { granted: false });
  });

  it('names a request that no limit could ever fit', () => {
    assert.match(
      impossibleRequest(600, { maxConcurrentJobs: 20, maxServersInActiveJobs: 500 }) ?? '',
      /600 servers exceeds the limit of 500/,
    );
    assert.equal(impossibleRequest(100, { maxConcurrentJobs: 20, maxServersInActiveJobs: 500 }), undefined);
  });
});
