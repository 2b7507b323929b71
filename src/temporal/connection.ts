import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { TemporalSettings } from '../config';

/** A client with the connection it owns; close the connection when done. */
export interface TemporalClientHandle {
  connection: Connection;
  client: Client;
}

/** The settings a Temporal connection is made from; TLS and API key are optional (local servers use neither). */
export type TemporalConnectionSettings = Pick<TemporalSettings, 'address' | 'namespace'> & Partial<Pick<TemporalSettings, 'tls' | 'apiKey'>>;

/**
 * Address, TLS and API key as both the client's `Connection` and the worker's `NativeConnection` take
 * them. Certificate files are read here, at connect time, so a renewed certificate is picked up on restart.
 */
export function temporalConnectionOptions(config: TemporalConnectionSettings): { address: string; tls?: TLSConfig; apiKey?: string } {
  const tls = config.tls;
  return {
    address: config.address,
    ...(tls
      ? {
          tls: {
            serverNameOverride: tls.serverName,
            serverRootCACertificate: tls.caFile ? fs.readFileSync(tls.caFile) : undefined,
            clientCertPair: tls.certFile && tls.keyFile ? { crt: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) } : undefined,
          },
        }
      : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  };
}

/**
 * Connects a Temporal client to the configured frontend. Retries for `waitMs` so a process started
 * together with the server does not lose the race.
 */
export async function connectTemporalClient(config: TemporalConnectionSettings, waitMs = 30_000): Promise<TemporalClientHandle> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '5 seconds' });
      return { connection, client: new Client({ connection, namespace: config.namespace }) };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
