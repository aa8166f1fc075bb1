// One emulator instance: its store (reset replaces it), faults, audit log and startup options.
import { EmulatorClock } from './clock';
import { AuditLog } from './audit';
import { FaultInjector } from './faults';
import { EmulatorStore } from './store';
import { DEFAULT_QUOTAS, type DurationProfile, type EmulatorConfig, type InventoryKind } from './types';

export interface EmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Seeds ids, jitter and fault dice (default 1). */
  seed?: number;
  /** Multiplies every lifecycle duration (default 1). */
  timeScale?: number;
  /** 'demo' (default: a launch job takes ~15–25 s) or 'realistic' (~10–20 minutes). */
  durations?: DurationProfile;
  /** Milliseconds since the epoch; default Date.now. Inject a test server's clock to follow workflow time. */
  clock?: () => number;
  inventory?: InventoryKind;
  /** No request logging (default true). */
  quiet?: boolean;
}

export class Emulator {
  readonly clock: EmulatorClock;
  readonly audit = new AuditLog();
  store: EmulatorStore;
  faults: FaultInjector;

  constructor(private readonly options: EmulatorOptions = {}) {
    this.clock = new EmulatorClock(options.clock ?? Date.now);
    const seed = options.seed ?? 1;
    this.store = this.newStore(seed, options.inventory ?? 'default');
    this.faults = new FaultInjector(seed);
  }

  /** Back to the startup state with a fresh inventory; the clock keeps running (it never goes back). */
  reset(options: { seed?: number; inventory?: InventoryKind } = {}): void {
    const seed = options.seed ?? this.options.seed ?? 1;
    this.store = this.newStore(seed, options.inventory ?? this.options.inventory ?? 'default');
    this.faults = new FaultInjector(seed);
    this.audit.clear();
  }

  private newStore(seed: number, inventory: InventoryKind): EmulatorStore {
    const config: EmulatorConfig = {
      timeScale: this.options.timeScale ?? 1,
      durations: this.options.durations ?? 'demo',
      quotas: { ...DEFAULT_QUOTAS },
    };
    const store = new EmulatorStore({ seed, clock: this.clock, inventory, config });
    store.ensureRegion('us-east-1');
    return store;
  }
}
