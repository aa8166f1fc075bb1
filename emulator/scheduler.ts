// Lifecycle steps due at an emulator-clock time. The store runs every due step, in time order,
// before it answers a request, so state only ever moves when someone looks and no timers exist.

interface Step {
  at: number;
  order: number;
  run: () => void;
}

export class Scheduler {
  private readonly heap: Step[] = [];
  private order = 0;

  at(time: number, run: () => void): void {
    this.heap.push({ at: time, order: this.order++, run });
    this.up(this.heap.length - 1);
  }

  /** Runs every step due at or before `time`; steps may schedule further steps. */
  runUntil(time: number): void {
    while (this.heap.length > 0 && this.heap[0].at <= time) {
      const step = this.pop();
      step.run();
    }
  }

  get size(): number {
    return this.heap.length;
  }

  private before(a: Step, b: Step): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  private pop(): Step {
    const top = this.heap[0];
    const last = this.heap.pop() as Step;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(this.heap[i], this.heap[parent])) return;
      [this.heap[i], this.heap[parent]] = [this.heap[parent], this.heap[i]];
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < this.heap.length && this.before(this.heap[left], this.heap[best])) best = left;
      if (right < this.heap.length && this.before(this.heap[right], this.heap[best])) best = right;
      if (best === i) return;
      [this.heap[i], this.heap[best]] = [this.heap[best], this.heap[i]];
      i = best;
    }
  }
}
