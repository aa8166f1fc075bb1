// Graceful shutdown on SIGTERM (orchestrators) and SIGINT (Ctrl-C): the first signal asks the
// worker to stop polling and drain — in-flight activities get the grace time to finish, then are
// cancelled so their attempt fails and another worker retries it (a DRS job wait is one short
// describe per attempt, so a retry simply polls again) — and arms a hard bound after which the
// process exits whatever is still running. A second signal exits at once.
import type pino from 'pino';

const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

interface ShutdownOptions {
  logger: pino.Logger;
  /** Starts the drain (Worker.shutdown); the caller's run loop then ends normally. */
  drain: () => void;
  /** Hard bound from the first signal to process exit. */
  forceAfterMs: number;
  /** How to leave when the bound passes or a second signal arrives (process.exit by default). */
  exit?: (code: number) => void;
}

/** Installs the signal handlers; returns a function that removes them (and the pending bound). */
export function handleShutdownSignals(opts: ShutdownOptions): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let forceTimer: NodeJS.Timeout | undefined;

  const onSignal = (signal: NodeJS.Signals) => {
    if (forceTimer) {
      opts.logger.warn({ signal }, 'second shutdown signal: exiting without waiting for in-flight tasks');
      exit(1);
      return;
    }
    opts.logger.info({ signal, forceAfterMs: opts.forceAfterMs }, 'shutdown requested: draining the worker');
    forceTimer = setTimeout(() => {
      opts.logger.error(
        { forceAfterMs: opts.forceAfterMs },
        'shutdown bound reached: exiting with tasks still running',
      );
      exit(1);
    }, opts.forceAfterMs);
    forceTimer.unref();
    opts.drain();
  };

  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
    if (forceTimer) clearTimeout(forceTimer);
  };
}
