import type { Dispatcher } from 'undici';
import type { Logger } from '../src/logging/logger';
import type { OperationalAlert } from '../workflows/definitions';
import { postWebhook } from './http-attempt';
import { signWebhook } from './signature';
import { USER_AGENT } from './webhook-request';

/**
 * Raises operational alerts: a structured log line always, and a webhook signed like every other
 * (Standard Webhooks, with `HOOKWAY_ALERT_SECRET`) to `HOOKWAY_ALERT_URL` when one is set.
 */
export class Alerter {
  constructor(
    private readonly deps: { http: Dispatcher; logger: Logger; url?: string; secret?: string },
  ) {}

  /** Logs and sends one alert. @throws when the alert receiver did not answer 2xx, so a caller may retry. */
  async send(alert: OperationalAlert): Promise<void> {
    this.deps.logger.warn({ alert: alert.kind, endpointId: alert.endpointId, openDeadLetters: alert.openDeadLetters }, alert.message);
    const { url, secret } = this.deps;
    if (!url || !secret) return;
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: `hookway.alert.${alert.kind}`, timestamp: new Date().toISOString(), data: alert });
    const result = await postWebhook(
      this.deps.http,
      url,
      {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'webhook-id': alert.id,
        'webhook-timestamp': String(now),
        'webhook-signature': signWebhook(secret, alert.id, now, body),
      },
      body,
      10_000,
    );
    const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    if (!ok) throw new Error(`alert receiver answered ${result.statusCode ?? result.networkError?.reason}`);
  }
}
