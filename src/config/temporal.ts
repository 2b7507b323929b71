import type { DevServiceSettings } from './dev-services';
import { ConfigError, readBool, readFile, readHostPort, readOptional, readString, type Env } from './env';

/** TLS to the Temporal frontend (Temporal Cloud, or a self-hosted cluster with TLS). */
export interface TemporalTlsSettings {
  /** `TEMPORAL_TLS_CERT`: client certificate (PEM file) for mTLS; with `TEMPORAL_TLS_KEY`. */
  certFile?: string;
  /** `TEMPORAL_TLS_KEY`: its private key (PEM file). */
  keyFile?: string;
  /** `TEMPORAL_TLS_CA`: CA that signed the server's certificate (PEM file), when not a public one. @default system roots */
  caFile?: string;
  /** `TEMPORAL_TLS_SERVER_NAME`: name to verify the server's certificate against. @default the address's host */
  serverName?: string;
}

/** The Temporal service every API and worker talks to. */
export interface TemporalSettings {
  /** `TEMPORAL_ADDRESS`: Temporal frontend; unset means `npm start` runs a dev server on `127.0.0.1:HOOKWAY_TEMPORAL_PORT`. */
  address: string;
  /** True when `TEMPORAL_ADDRESS` was given, so no dev server is started. */
  addressFromEnv: boolean;
  /** `TEMPORAL_NAMESPACE`. @default "default" */
  namespace: string;
  /** TLS to Temporal: on with `TEMPORAL_TLS=true`, a client certificate, or an API key; undefined is plaintext. */
  tls: TemporalTlsSettings | undefined;
  /** `TEMPORAL_API_KEY`: sent as `Authorization: Bearer` on every Temporal call (Temporal Cloud API keys). Implies TLS. */
  apiKey: string | undefined;
  /** `TEMPORAL_UI_URL`: Web UI base used in printed and returned links. @default "http://127.0.0.1:8233" with the dev server */
  uiUrl: string;
  /** `HOOKWAY_TASK_QUEUE`: task queue of every Hookway workflow. @default "hookway-deliveries" */
  taskQueue: string;
}

/** TLS is on when asked for, or implied by a client certificate or an API key (Temporal Cloud needs TLS). */
function readTemporalTls(env: Env, apiKey: string | undefined): TemporalTlsSettings | undefined {
  const certFile = readFile(env, 'TEMPORAL_TLS_CERT');
  const keyFile = readFile(env, 'TEMPORAL_TLS_KEY');
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new ConfigError(certFile ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT', 'is required with the other one: mTLS needs the certificate and its key');
  }
  const caFile = readFile(env, 'TEMPORAL_TLS_CA');
  const serverName = readOptional(env, 'TEMPORAL_TLS_SERVER_NAME');
  const explicit = env.TEMPORAL_TLS?.trim() ? readBool(env, 'TEMPORAL_TLS', false) : undefined;
  if (explicit === false && (certFile || caFile || apiKey)) {
    throw new ConfigError('TEMPORAL_TLS', 'is false, but a certificate, CA or API key is set, which need TLS');
  }
  if (!(explicit || certFile || caFile || serverName || apiKey)) return undefined;
  return { certFile, keyFile, caFile, serverName };
}

/** Reads {@link TemporalSettings}; without an address, the dev server on `dev`'s ports. */
export function readTemporalSettings(env: Env, dev: DevServiceSettings): TemporalSettings {
  const apiKey = readOptional(env, 'TEMPORAL_API_KEY');
  return {
    address: readHostPort(env, 'TEMPORAL_ADDRESS', `127.0.0.1:${dev.temporalPort}`),
    addressFromEnv: Boolean(env.TEMPORAL_ADDRESS?.trim()),
    namespace: readString(env, 'TEMPORAL_NAMESPACE', 'default'),
    tls: readTemporalTls(env, apiKey),
    apiKey,
    uiUrl: readString(env, 'TEMPORAL_UI_URL', `http://127.0.0.1:${dev.temporalUiPort}`).replace(/\/+$/, ''),
    taskQueue: readString(env, 'HOOKWAY_TASK_QUEUE', 'hookway-deliveries'),
  };
}
