import net from 'node:net';

/** A port something else already listens on; names the setting that moves ours. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
    readonly setting: string,
  ) {
    super(`port ${port} for ${what} is already in use; stop what holds it or set ${setting} to another port`);
    this.name = 'PortInUseError';
  }
}

/** Resolves when `port` on 127.0.0.1 can be bound, else throws PortInUseError. */
export async function assertPortFree(port: number, what: string, setting: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', () => reject(new PortInUseError(port, what, setting)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** A port the OS considers free right now (for tests and throwaway servers). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function isFree(port: number): Promise<boolean> {
  return assertPortFree(port, '', '').then(
    () => true,
    () => false,
  );
}

/**
 * A free port below `limit`, tried at random from 10000 up. The OS hands out ephemeral ports from 32768
 * up, and Temporal stores membership ports as a PostgreSQL smallint, which ends at 32767.
 */
export async function freePortBelow(limit: number): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 10_000 + Math.floor(Math.random() * (limit - 10_000));
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port between 10000 and ${limit} after 200 tries`);
}
