// Every call the emulator receives, in order, so tests can assert what a workflow actually sent; and
// the calls still being answered, so a test can act while one is in flight (kill a worker mid-call).
import type { AuditEntry, InFlightCall } from './types';

/** Oldest entries are dropped beyond this, so a long benchmark does not grow memory without bound. */
const CAPACITY = 100_000;

export class AuditLog {
  private entries: AuditEntry[] = [];
  private seq = 0;
  private readonly answering = new Map<number, InFlightCall>();
  private inFlightSeq = 0;

  /** Notes a call that is being answered; the returned function ends it (answered or failed). */
  begin(call: InFlightCall): () => void {
    const id = ++this.inFlightSeq;
    this.answering.set(id, call);
    return () => this.answering.delete(id);
  }

  /** Calls received and not answered yet, oldest first. */
  inFlight(): InFlightCall[] {
    return [...this.answering.values()];
  }

  record(entry: Omit<AuditEntry, 'seq'>): void {
    this.entries.push({ seq: ++this.seq, ...entry });
    if (this.entries.length > CAPACITY * 1.1) this.entries = this.entries.slice(-CAPACITY);
  }

  list(filter: { operation?: string } = {}): AuditEntry[] {
    return filter.operation
      ? this.entries.filter((e) => e.operation === filter.operation)
      : [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
