import { Client, Connection } from '@temporalio/client';
import type { HookwayConfig } from '../config';

/** A client with the connection it owns; close the connection when done. */
export interface TemporalClientHandle {
  connection: Connection;
  client: Client;
}

/**
 * Connects a Temporal client to the configured frontend. Retries for `waitMs` so a process started
 * together with the server does not lose the race.
 */
export async function connectTemporalClient(
  config: Pick<HookwayConfig, 'temporalAddress' | 'temporalNamespace'>,
  waitMs = 30_000,
): Promise<TemporalClientHandle> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address: config.temporalAddress, connectTimeout: '5 seconds' });
      return { connection, client: new Client({ connection, namespace: config.temporalNamespace }) };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
