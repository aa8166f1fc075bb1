// `npm run emulator -- --port 4599`: the DRS/MGN emulator as a standalone process.
import { Command, InvalidArgumentError } from 'commander';
import { startEmulator } from './index';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

async function main(): Promise<void> {
  const program = new Command('drs-emulator')
    .description('AWS Elastic Disaster Recovery (and MGN StartReplication) emulator speaking restJson1')
    .option('--port <port>', 'port to listen on (0 = any free port)', integer, 4599)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--seed <seed>', 'seed for ids, timings and fault dice', integer, 1)
    .option(
      '--time-scale <factor>',
      'multiplies every lifecycle duration (0.1 = ten times faster)',
      positive,
      1,
    )
    .option('--realistic', 'realistic durations: launch jobs take ~10-20 minutes instead of ~15-25 seconds')
    .option('--inventory <kind>', "'default' (seeded servers in two accounts) or 'empty'", 'default')
    .option('--verbose', 'log every request')
    .parse();
  const opts = program.opts<{
    port: number;
    host: string;
    seed: number;
    timeScale: number;
    realistic?: boolean;
    inventory: string;
    verbose?: boolean;
  }>();
  if (opts.inventory !== 'default' && opts.inventory !== 'empty') {
    program.error(`--inventory must be 'default' or 'empty', not '${opts.inventory}'`);
  }
  const emulator = await startEmulator({
    host: opts.host,
    port: opts.port,
    seed: opts.seed,
    timeScale: opts.timeScale,
    durations: opts.realistic ? 'realistic' : 'demo',
    inventory: opts.inventory as 'default' | 'empty',
    quiet: !opts.verbose,
  });
  console.log(
    `DRS emulator listening on ${emulator.url} (seed ${opts.seed}, control API ${emulator.url}/_emulator/)`,
  );
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: stopping the emulator`);
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`drs-emulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
