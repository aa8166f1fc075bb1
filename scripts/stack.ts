// `npm run stack [-- --stop]` (scripts/stack.sh installs and builds first): starts the
// production-shaped stack of scripts/lib/stack.ts in the background and prints where everything
// is, or stops what it started. Exit code 3 when the stack cannot start (what did start is stopped).
import * as path from 'node:path';
import { DrsClient } from '@aws-sdk/client-drs';
import { Command, InvalidArgumentError } from 'commander';
import { dataDir } from '../common/paths';
import { emulatorClientConfig, pickHealthyServers } from '../emulator';
import { defaultPorts, Stack, STACK_PROFILE } from './lib/stack';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new InvalidArgumentError('must be a whole number 1-8');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

const say = (line: string) => console.log(`stack: ${line}`);

async function main(): Promise<number> {
  const opts = new Command('stack')
    .description(
      'PostgreSQL, the Temporal server (mTLS), its Web UI, the DRS emulator and worker processes, on 127.0.0.1',
    )
    .option('--stop', 'stop every process the stack started, then PostgreSQL')
    .option(
      '--data-dir <dir>',
      'data folder (database, certificates, logs, pids)',
      path.join(dataDir(), 'stack'),
    )
    .option('--workers <n>', 'worker processes', positiveInteger, 2)
    .option('--time-scale <factor>', "the emulator's --time-scale (0.1 = ten times faster)", positive, 1)
    .parse()
    .opts<{ stop?: boolean; dataDir: string; workers: number; timeScale: number }>();

  if (opts.stop) {
    const stack = Stack.load(opts.dataDir, say);
    if (!stack) {
      say(`nothing to stop: no stack in ${opts.dataDir}`);
      return 0;
    }
    await stack.stop();
    return 0;
  }

  // a stack started before keeps its ports; a new one takes the fixed defaults
  const saved = Stack.load(opts.dataDir);
  const stack = new Stack({
    dataDir: opts.dataDir,
    ports: saved?.workers === opts.workers ? saved.ports : defaultPorts(opts.workers),
    workers: opts.workers,
    emulatorTimeScale: opts.timeScale,
    say,
  });
  try {
    await stack.up();
  } catch (err) {
    console.error(`stack: ${(err as Error).message}`);
    await stack.stop().catch(() => undefined);
    return 3;
  }
  const drs = new DrsClient(emulatorClientConfig(stack.emulatorUrl));
  const servers = await pickHealthyServers(drs, 2).finally(() => drs.destroy());
  const env = Object.entries(stack.temporalEnv())
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`
The stack is up (logs in ${path.join(stack.dataDir, 'logs')}).
  Temporal (mTLS)  ${stack.address}, profile "${STACK_PROFILE}" of ${stack.configFile}
  Web UI           ${stack.uiUrl}
  DRS emulator     ${stack.emulatorUrl}
  worker metrics   ${stack.ports.workerMetrics.map((p) => `http://127.0.0.1:${p}/metrics`).join('  ')}
Run a drill through it:
  ${env} npx drsctl drill ${servers.map((id) => `--source-server ${id}`).join(' ')} --wait
Stop it: npm run stack -- --stop`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`stack: ${(err as Error).message}`);
    process.exit(3);
  },
);
