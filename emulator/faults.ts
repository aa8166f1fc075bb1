// Fault injection per operation: throttling, 5xx, latency and lost responses. The dice are seeded
// so a chaos run reproduces.
import { SeededRandom } from './random';
import type { FaultSpec } from './types';

interface FaultDecision {
  latencyMs: number;
  throttle: boolean;
  error: boolean;
  /** Execute the call, then answer 500 as if the response had been lost. */
  drop: boolean;
}

export class FaultInjector {
  private specs = new Map<string, FaultSpec>();
  private readonly rng: SeededRandom;

  constructor(seed: number) {
    this.rng = new SeededRandom(seed).fork('faults');
  }

  /** Sets (replaces) the faults for one operation or for '*'. */
  set(spec: FaultSpec): void {
    this.specs.set(spec.operation, { ...spec });
  }

  clear(): void {
    this.specs.clear();
  }

  list(): FaultSpec[] {
    return [...this.specs.values()];
  }

  decide(operation: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, throttle: false, error: false, drop: false };
    if (this.specs.size === 0) return decision;
    for (const spec of [this.specs.get('*'), this.specs.get(operation)]) {
      if (!spec) continue;
      decision.latencyMs += spec.latencyMs ?? 0;
      if (spec.throttleRate && this.rng.next() < spec.throttleRate) decision.throttle = true;
      if (spec.errorRate && this.rng.next() < spec.errorRate) decision.error = true;
      if (!decision.throttle && !decision.error && spec.dropResponses && spec.dropResponses > 0) {
        spec.dropResponses -= 1;
        decision.drop = true;
      }
    }
    return decision;
  }
}
