import net from 'node:net';

// Ports handed out below Linux's ephemeral range (32768-60999 by default): a port the kernel picked from that range
// (listen on 0) can be taken by any outgoing connection (to PostgreSQL, to Temporal) between the moment it is picked
// and the moment the server that was meant to listen on it binds it, which under load happened in CI (EADDRINUSE).
const LOW_PORT = 20_000;
const HIGH_PORT = 32_767;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** freePort finds a TCP port nobody is listening on right now, outside the range outgoing connections use. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW_PORT + Math.floor(Math.random() * (HIGH_PORT - LOW_PORT + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free TCP port between ${LOW_PORT} and ${HIGH_PORT} after 200 tries`);
}

/**
 * waitFor polls check until it resolves true or the deadline passes, then throws with what was awaited. gone, when
 * given, names a reason the wait can never succeed (the awaited process has exited): the wait then fails at once.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  gone: () => string | null = () => null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = gone();
    if (reason) throw new Error(`gave up waiting for ${what}: ${reason}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
