import { embeddedDatabaseUrl } from '../../config';
import { randomBytes } from 'node:crypto';
import { decodeSecrets } from '../../receiver/signature';

/** Settings of the example receiver, each from one environment variable. */
export interface ReceiverExampleConfig {
  /** `RECEIVER_PORT`: HTTP port (0 picks a free one). @default 4000 */
  port: number;
  /** `RECEIVER_HOST`: interface to bind. @default "127.0.0.1" */
  host: string;
  /**
   * `RECEIVER_SECRET`: the endpoint's `whsec_` secret; several separated by spaces or commas during a
   * rotation. Unset: one is generated for this run and printed, to register the endpoint with.
   */
  secrets: string[];
  /** True when `RECEIVER_SECRET` was unset and `secrets` holds a generated one. */
  secretGenerated: boolean;
  /** `DATABASE_URL`: PostgreSQL for `processed_webhooks` and `received_events`. @default the embedded one of `npm start` */
  databaseUrl: string;
  /** `LOG_LEVEL`: pino level. @default "info" */
  logLevel: string;
}

/** `npm start`'s embedded PostgreSQL, so the quick start needs no database of its own. */

/** Reads and checks the example receiver's settings; throws a message naming the variable at fault. */
export function loadReceiverExampleConfig(env: NodeJS.ProcessEnv = process.env): ReceiverExampleConfig {
  const rawPort = env.RECEIVER_PORT?.trim() || '4000';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) throw new Error(`RECEIVER_PORT must be a port number 0-65535, got "${rawPort}"`);

  const listed = (env.RECEIVER_SECRET ?? '').split(/[\s,]+/).filter(Boolean);
  const secrets = listed.length > 0 ? listed : [`whsec_${randomBytes(32).toString('base64')}`];
  // The library also takes bare base64, but a typo like "secret" is valid base64 too; the prefix catches it.
  const valid = secrets.every((secret) => {
    try {
      return secret.startsWith('whsec_') && decodeSecrets(secret).length === 1;
    } catch {
      return false;
    }
  });
  if (!valid) throw new Error('RECEIVER_SECRET must be "whsec_" followed by base64 (several separated by spaces during a rotation)');

  // The example shares npm start's embedded PostgreSQL unless told otherwise, on whatever port it uses.
  const databaseUrl = env.DATABASE_URL?.trim() || embeddedDatabaseUrl(Number(env.HOOKWAY_EMBEDDED_PG_PORT?.trim() || 54329));
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error('DATABASE_URL must start with postgres:// or postgresql://');

  return {
    port,
    host: env.RECEIVER_HOST?.trim() || '127.0.0.1',
    secrets,
    secretGenerated: listed.length === 0,
    databaseUrl,
    logLevel: env.LOG_LEVEL?.trim() || 'info',
  };
}
