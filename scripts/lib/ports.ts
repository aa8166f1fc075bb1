// Free loopback ports for local servers (tests, bench). They are picked below Linux's ephemeral
// range (32768–60999 by default), from which every outgoing connection takes its local port: a port
// the OS picks there can be taken by one of the suite's many connections in the seconds before the
// process it was given to binds it (a worker exiting with EADDRINUSE). Below 32768 they also fit
// Temporal's SQL schema, which keeps membership ports in a smallint.
import { createServer } from 'node:net';

const LOWEST = 20000;
const HIGHEST = 32767;
/** Ports this process handed out: never twice, even once their first user has let them go. */
const given = new Set<number>();

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port nothing listens on right now, below the ephemeral range, not handed out before. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
    if (given.has(port)) continue;
    given.add(port);
    if (await listenable(port)) return port;
  }
}
