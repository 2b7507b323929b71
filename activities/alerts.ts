import type { Dispatcher } from 'undici';
import type { Logger } from '../src/logging/logger';
import type { OperationalAlert } from '../workflows/definitions';
import { postWebhook } from './http-attempt';
import { webhookSignature } from './signature';
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
        'webhook-signature': webhookSignature(secret, alert.id, now, body),
      },
      body,
      10_000,
    );
    const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    if (!ok) throw new Error(`alert receiver answered ${result.statusCode ?? result.networkError?.reason}`);
  }
}

/**
 * The alert a dead letter raised about its endpoint's queue. Its id derives from the dead letter, so an
 * alert sent again (a retried activity) keeps its `webhook-id` and the receiver can drop the repeat.
 */
export function queueAlert(
  kind: 'first_dead_letter' | 'dead_letter_threshold',
  deadLetter: { id: string; endpointId: string; error: string },
  threshold: number,
): OperationalAlert {
  const { id, endpointId, error } = deadLetter;
  return kind === 'first_dead_letter'
    ? { id: `alert_first_${id}`, kind, endpointId, openDeadLetters: 1, message: `endpoint ${endpointId} has its first dead letter: ${error}` }
    : {
        id: `alert_threshold_${id}`,
        kind,
        endpointId,
        openDeadLetters: threshold,
        message: `endpoint ${endpointId} has ${threshold} dead letters (threshold ${threshold})`,
      };
}
