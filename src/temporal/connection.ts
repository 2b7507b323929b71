import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { TemporalSettings } from '../config';

/** A client with the connection it owns; close the connection when done. */
export interface TemporalClientHandle {
  connection: Connection;
  client: Client;
}

/** A client over the native (Rust core) connection a worker of the same process shares. */
export interface NativeTemporalClientHandle {
  connection: NativeConnection;
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
  return connectWhenReachable(waitMs, async () => {
    const connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '5 seconds' });
    return { connection, client: new Client({ connection, namespace: config.namespace }) };
  });
}

/**
 * Like {@link connectTemporalClient}, over a NativeConnection for the process's worker to share: only a
 * client on its worker's connection can start workflows eagerly. The Temporal Runtime must be installed first.
 */
export async function connectNativeTemporalClient(config: TemporalConnectionSettings, waitMs = 30_000): Promise<NativeTemporalClientHandle> {
  return connectWhenReachable(waitMs, async () => {
    const connection = await NativeConnection.connect(temporalConnectionOptions(config));
    return { connection, client: new Client({ connection, namespace: config.namespace }) };
  });
}

async function connectWhenReachable<T>(waitMs: number, connect: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await connect();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
