// Seeded randomness: ids, jitter and fault dice all come from here so a run with the same seed and
// the same calls reproduces the same ids and the same outcomes.

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** mulberry32: small, fast and good enough for ids and dice. Returns [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  /** A value in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** A child generator whose sequence does not depend on how much this one is used later. */
  fork(label: string): SeededRandom {
    let h = this.state;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new SeededRandom(h);
  }
}

/** DRS id formats (the service model's patterns). */
export const ids = {
  sourceServer: (rng: SeededRandom): string => `s-${rng.chars(ALPHANUMERIC, 17)}`,
  job: (rng: SeededRandom): string => `drsjob-${rng.chars(ALPHANUMERIC, 17)}`,
  /** Recovery instance ids are the EC2 instance ids. */
  ec2Instance: (rng: SeededRandom): string => `i-${rng.chars(HEX, 17)}`,
  conversionServer: (rng: SeededRandom): string => `i-${rng.chars(HEX, 17)}`,
  failbackClient: (rng: SeededRandom): string => `fbc-${rng.chars(ALPHANUMERIC, 17)}`,
  launchTemplate: (rng: SeededRandom): string => `lt-${rng.chars(HEX, 17)}`,
  accessKey: (rng: SeededRandom): string => rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 8),
  secret: (rng: SeededRandom): string => rng.chars(ALPHANUMERIC, 40),
  /** A version-4 UUID: SSM command ids, DRS launch action run ids. */
  uuid: (rng: SeededRandom): string => {
    const h = (n: number) => rng.chars(HEX, n);
    return `${h(8)}-${h(4)}-4${h(3)}-${rng.pick(['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
  },
};

export const SOURCE_SERVER_ID = /^s-[0-9a-zA-Z]{17}$/;
export const JOB_ID = /^drsjob-[0-9a-zA-Z]{17}$/;
/** The model's RecoveryInstanceID: i- and 8 or more hex digits, 10–19 characters in all. */
export const RECOVERY_INSTANCE_ID = /^i-[0-9a-fA-F]{8,17}$/;
export const ACCOUNT_ID = /^[0-9]{12}$/;
