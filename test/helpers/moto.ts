// moto's S3-compatible server (installed from PyPI by scripts/install-tools.sh), started on
// 127.0.0.1 at a free port for the evidence store's s3:// tests, the way the Temporal servers are
// started: a real server over HTTP, driven by the real AWS SDK.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { toolsDir } from '../../common/paths';
import { freePort } from '../../scripts/lib/ports';

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** Any keys do for moto; they are fixed so no test reads the machine's own AWS credentials. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export async function startMoto(): Promise<MotoServer> {
  const bin = path.join(toolsDir(), 'bin', 'moto-server');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/install-tools.sh first`);
  const port = await freePort();
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto server exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).status < 500) break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`moto server did not answer on ${endpoint}: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    endpoint,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
