import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DEFAULT_BODY_LIMIT_BYTES, ensureProcessedWebhooksTable } from '../../receiver';
import { WebhookReceiverModule } from '../../receiver/nestjs';
import { ensureEventsTable } from './events';
import { RECEIVER_DEPS, type ReceiverDeps } from './receiver-deps';
import { WebhooksController } from './webhooks.controller';

/** The example's one module: the webhook guard with the endpoint's secret, and the controller. */
@Module({})
export class ReceiverExampleModule {
  /** Wires `deps` into the guard and the controller. */
  static forRoot(deps: ReceiverDeps): DynamicModule {
    return {
      module: ReceiverExampleModule,
      imports: [WebhookReceiverModule.forRoot({ secret: deps.secret })],
      controllers: [WebhooksController],
      providers: [{ provide: RECEIVER_DEPS, useValue: deps }],
    };
  }
}

/**
 * Creates the example receiver (not yet listening): creates its tables when missing, then a Nest app
 * with `rawBody: true`, which the webhook guard needs to verify the bytes as they were signed.
 */
export async function createReceiverApp(deps: ReceiverDeps): Promise<NestExpressApplication> {
  await ensureProcessedWebhooksTable(deps.pool);
  await ensureEventsTable(deps.pool);
  const app = await NestFactory.create<NestExpressApplication>(ReceiverExampleModule.forRoot(deps), {
    rawBody: true,
    logger: ['error', 'warn'],
  });
  // Nest's default JSON limit (100 kB) is below Hookway's largest payload; rawBody is kept by this parser too.
  app.useBodyParser('json', { limit: DEFAULT_BODY_LIMIT_BYTES });
  return app;
}
