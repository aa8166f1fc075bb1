// The emulator's notion of "now". Every lifecycle step is computed from this clock when a request
// arrives (no real timers), so an injected clock (e.g. the Temporal time-skipping server's) and
// advanceClock() both move jobs and replication forward deterministically.

export class EmulatorClock {
  private offsetMs = 0;

  constructor(private readonly source: () => number = Date.now) {}

  now(): number {
    return this.source() + this.offsetMs;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** ISO-8601 duration as DRS reports lag, e.g. PT42S, PT3M5S, P1DT2H. */
export function isoDuration(ms: number): string {
  let seconds = Math.max(0, Math.round(ms / 1000));
  const days = Math.floor(seconds / 86400);
  seconds -= days * 86400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds || (!days && !hours && !minutes) ? `${seconds}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
