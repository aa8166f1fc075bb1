// `npm run dev-server -- [--port 7233] [--ui-port 8233] [--db-file path]`: the local Temporal dev
// server with its Web UI and the project's search attributes, until Ctrl-C.
import { Command, InvalidArgumentError } from 'commander';
import { startDevServer } from './lib/dev-server';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidArgumentError('must be a port number 1-65535');
  return n;
}

async function main(): Promise<void> {
  const opts = new Command('dev-server')
    .description('Temporal dev server with Web UI on 127.0.0.1, search attributes registered')
    .option('--ip <ip>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'frontend (gRPC) port', port, 7233)
    .option('--ui-port <port>', 'Web UI port', port, 8233)
    .option('--db-file <path>', 'SQLite file that keeps state across restarts (default: in memory)')
    .parse()
    .opts<{ ip: string; port: number; uiPort: number; dbFile?: string }>();
  const server = await startDevServer(opts);
  console.log(`Temporal dev server ready: ${server.address}  Web UI: ${server.uiUrl}  (Ctrl-C stops it)`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
}

main().catch((err) => {
  console.error(`dev-server: ${(err as Error).message}`);
  process.exit(3);
});
