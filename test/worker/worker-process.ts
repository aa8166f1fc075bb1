// The real worker process (compiled worker/main.js) for end-to-end tests: started with its own
// environment, its JSON log lines collected, stopped by signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from '../helpers/temporal';

// resolved next to this compiled file, so it works from dist/ and from any other outDir
const WORKER_MAIN = path.join(__dirname, '../../worker/main.js');

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export class WorkerProcess {
  readonly logs: LogLine[] = [];
  /** Everything the process wrote, for leak checks and failure messages. */
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [WORKER_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) this.logs.push(JSON.parse(line) as LogLine);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the first log line `match` accepts; rejects if the process exits first. */
  async waitForLog(match: (line: LogLine) => boolean, timeoutMs = 60_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(match);
      if (found) return found;
      if (!this.running) throw new Error(`worker exited before the expected log line:\n${this.output}`);
      if (Date.now() > deadline)
        throw new Error(`expected log line not seen in ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM if still running, then wait (for test cleanup). */
  async stop(): Promise<void> {
    if (this.running) this.signal('SIGTERM');
    await this.exited;
  }
}

/** A worker environment without anything inherited that would change its configuration. */
export async function workerEnv(overrides: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(TEMPORAL_|AWS_|DRS_|WORKER_|LOG_LEVEL)/.test(name)),
  );
  return {
    ...inherited,
    // the default evidence store lives under the data folder: one of the test's own, not the project's
    TEMPORAL_DRS_DATA: mkdtempSync(path.join(tmpdir(), 'worker-data-')),
    WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
    WORKER_HEALTH_ADDRESS: `127.0.0.1:${await freePort()}`,
    // no reconcile schedule left firing on the shared dev server (a test that wants one sets it)
    DRS_RECONCILE_EVERY: 'off',
    ...overrides,
  };
}
