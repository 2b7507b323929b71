import { ConfigError, readInt, readOptional, type Env } from './env';

/** Where operational alerts go. */
export interface AlertSettings {
  /** `HOOKWAY_ALERT_URL`: where operational alerts are POSTed (signed like webhooks). Optional. */
  url: string | undefined;
  /** `HOOKWAY_ALERT_SECRET`: `whsec_` secret that signs alerts; required with `HOOKWAY_ALERT_URL`. */
  secret: string | undefined;
  /** `HOOKWAY_DLQ_ALERT_THRESHOLD`: an endpoint's dead-letter count that raises an alert. @default 100 */
  deadLetterThreshold: number;
}

/** Reads {@link AlertSettings}. */
export function readAlertSettings(env: Env): AlertSettings {
  const url = readOptional(env, 'HOOKWAY_ALERT_URL');
  const secret = readOptional(env, 'HOOKWAY_ALERT_SECRET');
  if (url && !/^https?:\/\//.test(url)) throw new ConfigError('HOOKWAY_ALERT_URL', 'must be an http(s) URL');
  if (url && !secret) throw new ConfigError('HOOKWAY_ALERT_SECRET', 'is required with HOOKWAY_ALERT_URL, so receivers can verify alerts');
  if (secret && !/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/.test(secret)) {
    throw new ConfigError('HOOKWAY_ALERT_SECRET', 'must be "whsec_" followed by base64 of at least 24 bytes');
  }
  return { url, secret, deadLetterThreshold: readInt(env, 'HOOKWAY_DLQ_ALERT_THRESHOLD', 100, 1, 1_000_000) };
}
