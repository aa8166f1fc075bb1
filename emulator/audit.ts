// Every call the emulator receives, in order, so tests can assert what a workflow actually sent.
import type { AuditEntry } from './types';

/** Oldest entries are dropped beyond this, so a long benchmark does not grow memory without bound. */
const CAPACITY = 100_000;

export class AuditLog {
  private entries: AuditEntry[] = [];
  private seq = 0;

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
