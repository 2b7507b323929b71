import { Controller, Get, HttpCode, HttpException, Inject, Post, UseGuards } from '@nestjs/common';
import { processOnce, type VerifiedWebhook } from '../../receiver';
import { WebhookEvent, WebhookGuard } from '../../receiver/nestjs';
import { insertEvent, listEvents, toReceivedEvent, type HookwayEventBody, type StoredEvent } from './events';
import { RECEIVER_DEPS, type ReceiverDeps } from './receiver-deps';

/** The answer to a webhook that was verified: processed now, or already processed before. */
export interface ReceiveAnswer {
  status: 'processed' | 'duplicate';
  webhookId: string;
}

/** `POST /webhooks` takes signed webhooks; `GET /events` shows what was processed. */
@Controller()
export class WebhooksController {
  constructor(@Inject(RECEIVER_DEPS) private readonly deps: ReceiverDeps) {}

  /**
   * Verified by the guard (401 forged, 400 stale or future-dated), then processed once: the event row and
   * the `handleEvent` hook run in `processOnce`'s transaction. A failure rolls both back and answers 500,
   * so the sender retries; a repeat of a processed webhook answers 200 `duplicate` and changes nothing.
   */
  @Post('webhooks')
  @HttpCode(200)
  @UseGuards(WebhookGuard)
  async receive(@WebhookEvent() webhook: VerifiedWebhook<HookwayEventBody>): Promise<ReceiveAnswer> {
    const event = toReceivedEvent(webhook);
    const log = this.deps.logger.child({ webhookId: event.webhookId, eventType: event.eventType });
    let status: ReceiveAnswer['status'];
    try {
      ({ status } = await processOnce(this.deps.pool, event.webhookId, async (client) => {
        await insertEvent(client, event);
        await this.deps.handleEvent?.(event, client);
      }));
    } catch (error) {
      log.warn({ err: error }, 'webhook processing failed and was rolled back; the sender will retry');
      throw new HttpException({ error: { code: 'processing_failed', message: 'processing failed; retry later' } }, 500);
    }
    if (status === 'duplicate') log.info('webhook already processed; ignored');
    else log.info({ data: event.data }, 'webhook processed');
    return { status, webhookId: event.webhookId };
  }

  /** The last 100 processed events, newest first: what a newcomer looks at after sending one. */
  @Get('events')
  events(): Promise<StoredEvent[]> {
    return listEvents(this.deps.pool);
  }
}
