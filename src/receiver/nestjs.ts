/**
 * NestJS adapter, imported as `@hookway/receiver/nestjs` so the core never loads NestJS. Create the app
 * with `NestFactory.create(AppModule, { rawBody: true })`: the guard verifies the bytes Nest's JSON parser
 * keeps in `req.rawBody` (without that option, only bodies no parser touched can be verified).
 */
import {
  createParamDecorator,
  HttpException,
  Inject,
  Injectable,
  Module,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { describeVerificationError, WebhookVerificationError } from './errors';
import { verifiedWebhook } from './express';
import { RawBodyError, readRawBody } from './raw-body';
import { checkReceiverOptions, type WebhookReceiverOptions } from './receiver-options';
import { verifyWebhook } from './verify';

export type { WebhookReceiverOptions } from './receiver-options';

/** Injection token of the `WebhookReceiverOptions` the guard uses; `WebhookReceiverModule.forRoot` provides it. */
export const WEBHOOK_RECEIVER_OPTIONS = Symbol('WEBHOOK_RECEIVER_OPTIONS');

/**
 * Lets a request through only when it is an authentic, fresh Standard Webhooks request, and attaches the
 * verified webhook for `@WebhookEvent()`. Refusals are HttpExceptions with `{ error: { code, message } }`:
 * 401 for `bad_signature`, 400 for the other verification codes and aborted bodies, 413 above `limitBytes`.
 * Use through `WebhookReceiverModule.forRoot(options)` and `@UseGuards(WebhookGuard)`, or `new WebhookGuard(options)`.
 */
@Injectable()
export class WebhookGuard implements CanActivate {
  private readonly limitBytes: number;

  constructor(@Inject(WEBHOOK_RECEIVER_OPTIONS) private readonly options: WebhookReceiverOptions) {
    this.limitBytes = checkReceiverOptions(options);
  }

  /** Verifies the request; throws the HttpException that answers a refused one. */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<IncomingMessage>();
    try {
      const rawBody = await readRawBody(req, this.limitBytes);
      const webhook = verifyWebhook(rawBody, req.headers, this.options.secret, this.options);
      Object.assign(req, { webhook, rawBody });
      return true;
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        const { status, body } = describeVerificationError(error);
        throw new HttpException(body, status);
      }
      if (error instanceof RawBodyError) throw new HttpException({ error: { code: error.code, message: error.message } }, error.status);
      throw error;
    }
  }
}

/**
 * Parameter decorator: the `VerifiedWebhook` (`id`, `timestamp`, `payload`) that `WebhookGuard` let through.
 * Type the parameter as `VerifiedWebhook<YourPayload>`.
 */
export const WebhookEvent = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  verifiedWebhook(context.switchToHttp().getRequest<IncomingMessage>()),
);

/** Provides `WebhookGuard` and its options to the module that imports it. */
@Module({})
export class WebhookReceiverModule {
  /** The options are checked at once: a secret that is not base64 stops the app at start. */
  static forRoot(options: WebhookReceiverOptions): DynamicModule {
    checkReceiverOptions(options);
    return {
      module: WebhookReceiverModule,
      providers: [{ provide: WEBHOOK_RECEIVER_OPTIONS, useValue: options }, WebhookGuard],
      exports: [WEBHOOK_RECEIVER_OPTIONS, WebhookGuard],
    };
  }
}
