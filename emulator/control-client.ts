// Typed client for the emulator's control API (/_emulator/). Works against an in-process emulator
// (startEmulator().control) or a separate `npm run emulator` process (new EmulatorControl(url)).
import type {
  AddServersRequest,
  AuditEntry,
  EmulatorConfig,
  EmulatorConfigUpdate,
  EmulatorStateSnapshot,
  FaultSpec,
  InFlightCall,
  InventoryKind,
  JobUsage,
  Scenario,
} from './types';

export class EmulatorControl {
  private readonly base: string;

  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  /** Fresh inventory, no scenarios, faults or audit entries, startup config. The clock keeps going. */
  async reset(options: { seed?: number; inventory?: InventoryKind } = {}): Promise<void> {
    await this.call('POST', 'reset', options);
  }

  state(): Promise<EmulatorStateSnapshot> {
    return this.call('GET', 'state');
  }

  /** Jobs in progress and servers across them per account and region, now and at most since reset. */
  usage(): Promise<JobUsage[]> {
    return this.call('GET', 'usage');
  }

  setConfig(update: EmulatorConfigUpdate): Promise<EmulatorConfig> {
    return this.call('POST', 'config', update);
  }

  async scenario(scenario: Scenario): Promise<void> {
    await this.call('POST', 'scenario', scenario);
  }

  /** IAM denies `operations` (audit names, or '*') to `accountId` (every account when omitted). */
  async accessDenied(denial: { operations: string[]; accountId?: string }): Promise<void> {
    await this.scenario({
      type: 'accessDenied',
      operations: denial.operations,
      ...(denial.accountId ? { accountIds: [denial.accountId] } : {}),
    });
  }

  async clearScenarios(): Promise<void> {
    await this.call('DELETE', 'scenarios');
  }

  async faults(spec: FaultSpec): Promise<void> {
    await this.call('POST', 'faults', spec);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', 'faults');
  }

  audit(filter: { operation?: string } = {}): Promise<AuditEntry[]> {
    const query = filter.operation ? `?operation=${encodeURIComponent(filter.operation)}` : '';
    return this.call('GET', `audit${query}`);
  }

  /** Calls received and not answered yet (a latency fault holds them), oldest first. */
  inFlight(): Promise<InFlightCall[]> {
    return this.call('GET', 'in-flight');
  }

  async clearAudit(): Promise<void> {
    await this.call('DELETE', 'audit');
  }

  /** Moves the emulator clock forward; returns the new emulator time (ISO-8601). */
  async advanceClock(seconds: number): Promise<string> {
    const { now } = await this.call<{ now: string }>('POST', 'clock/advance', { seconds });
    return now;
  }

  /** Adds `count` source servers (default account, us-east-1, CONTINUOUS unless told); returns their ids. */
  async addServers(request: AddServersRequest): Promise<string[]> {
    const { sourceServerIDs } = await this.call<{ sourceServerIDs: string[] }>('POST', 'servers', request);
    return sourceServerIDs;
  }

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}/_emulator/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: keep the raw text
      }
      throw new Error(`emulator control ${method} ${path} failed (${response.status}): ${message}`);
    }
    return JSON.parse(text) as T;
  }
}
