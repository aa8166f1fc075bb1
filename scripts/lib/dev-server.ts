// Starts the Temporal CLI dev server (with Web UI) from .tools/, waits until it answers, and stops it
// cleanly. Used by `npm run dev-server` and `npm run demo`.
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { temporalCliPath } from '../../common/paths';
import { devServerSearchAttributeArgs } from '../../common/search-attributes';

interface DevServerOptions {
  ip?: string;
  port?: number;
  uiPort?: number;
  /** SQLite file to keep state across restarts; in memory when unset. */
  dbFile?: string;
  /** Seconds to wait for the frontend to answer. */
  startTimeoutSeconds?: number;
  /** Leave out the server's own banner (its addresses); errors still reach stderr. */
  quiet?: boolean;
}

interface DevServer {
  address: string;
  uiUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const port = opts.port ?? 7233;
  const uiPort = opts.uiPort ?? 8233;
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--ui-port', String(uiPort)];
  args.push('--log-level', 'error', ...devServerSearchAttributeArgs());
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);

  const child = spawn(temporalCliPath(), args, {
    stdio: ['ignore', opts.quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const address = `${ip}:${port}`;
  const deadline = Date.now() + (opts.startTimeoutSeconds ?? 60) * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`temporal dev server did not answer on ${address}: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  return {
    address,
    uiUrl: `http://${ip}:${uiPort}`,
    process: child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
