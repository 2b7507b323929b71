/**
 * `@hookway/receiver/express`: middleware for Express, or for a plain `node:http` handler. It needs
 * neither Express nor any other package at run time: it reads the request as Node gives it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeVerificationError, WebhookVerificationError, type WebhookErrorBody } from './errors';
import { RawBodyError, readRawBody } from './raw-body';
import { checkReceiverOptions, type WebhookReceiverOptions } from './receiver-options';
import { verifyWebhook, type VerifiedWebhook } from './verify';

export type { WebhookReceiverOptions } from './receiver-options';

/** A request that passed `webhookMiddleware` or the NestJS `WebhookGuard`. */
export type WebhookRequest<T = unknown> = IncomingMessage & { webhook: VerifiedWebhook<T>; rawBody: Buffer };

/** Express-compatible middleware; also callable from a plain `http.createServer` handler. */
export type WebhookMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

function answer(res: ServerResponse, status: number, body: WebhookErrorBody): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * Verifies each request before your handler runs: reads the raw body itself (mount it before
 * `express.json()`, or after `express.raw()`), then calls `verifyWebhook`. On success it sets
 * `req.webhook` (id, timestamp, parsed payload) and `req.rawBody` and calls `next()`. Otherwise it answers
 * itself: 401 for a bad signature; 400 for missing headers, a stale or future timestamp, a non-JSON body
 * or an aborted upload; 413 above `limitBytes`. A set-up mistake (body parsed without its raw bytes)
 * goes to `next(error)`.
 *
 * @example
 * app.post('/webhooks', webhookMiddleware({ secret: process.env.HOOKWAY_SECRET }), (req, res) => {
 *   const { id, payload } = verifiedWebhook(req);
 * });
 */
export function webhookMiddleware(options: WebhookReceiverOptions): WebhookMiddleware {
  const limit = checkReceiverOptions(options);
  return (req, res, next) => {
    readRawBody(req, limit).then(
      (rawBody) => {
        let webhook: VerifiedWebhook;
        try {
          webhook = verifyWebhook(rawBody, req.headers, options.secret, options);
        } catch (error) {
          if (!(error instanceof WebhookVerificationError)) return next(error);
          const { status, body } = describeVerificationError(error);
          return answer(res, status, body);
        }
        Object.assign(req, { webhook, rawBody });
        next();
      },
      (error: unknown) => {
        if (error instanceof RawBodyError) answer(res, error.status, { error: { code: error.code, message: error.message } });
        else next(error);
      },
    );
  };
}

/**
 * The webhook `webhookMiddleware` or `WebhookGuard` verified for this request. `T` is the payload type you
 * expect (not checked). Throws when the request did not pass through either.
 */
export function verifiedWebhook<T = unknown>(req: IncomingMessage): VerifiedWebhook<T> {
  const webhook = (req as Partial<WebhookRequest<T>>).webhook;
  if (!webhook) throw new Error('verifiedWebhook: this request was not verified; mount webhookMiddleware or WebhookGuard on its route');
  return webhook;
}
