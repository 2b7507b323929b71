import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DOCUMENTED_EVENT_TYPES, withCatalog } from './event-types/catalog-openapi';
import { AppModule } from './app.module';
import { apiTokenMiddleware } from './auth/api-token.middleware';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { jsonBody } from './common/json-body';
import { shorthandRoutes, withApplicationRoutes } from './common/shorthand-routes';
import { StorableParamsPipe } from './common/storable-params.pipe';
import { createValidationPipe } from './common/validation';
import type { ApiDeps } from './core/core.module';
import { portalStatic } from './portal/portal-static';

/** Where the OpenAPI UI is served; the JSON document is at `${DOCS_PATH}-json`. */
export const DOCS_PATH = 'docs';

// After the shorthand rewrite, so /v1/messages/batch is matched too.
const BATCH_PATH = /^\/v1\/applications\/[^/]+\/messages\/batch\/?$/i;

/**
 * Creates the Nest application (not yet listening) with the validation pipe, the error filter, the body
 * size limit and the OpenAPI document. The caller listens and closes it.
 */
export async function createApi(deps: ApiDeps): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(deps), {
    logger: ['error', 'warn'],
    bodyParser: false,
  });
  // The portal's page and files carry no data and need no token: served before the token is checked.
  app.use(portalStatic({ frameAncestors: deps.components.config.portal.frameAncestors }));
  app.use(
    apiTokenMiddleware({
      operatorToken: deps.auth.mode === 'token' ? deps.auth.token : undefined,
      tokens: deps.components.repositories.applicationTokens,
    }),
  );
  app.use(shorthandRoutes());
  const { maxPayloadBytes, maxBatchBytes } = deps.components.config.api;
  const [singleBody, batchBody] = [jsonBody(maxPayloadBytes), jsonBody(maxBatchBytes)];
  // A batch carries many messages: its body has a limit of its own (each message still has the single one).
  app.use((req: Request, res: Response, next: NextFunction) => (BATCH_PATH.test(req.path) ? batchBody : singleBody)(req, res, next));
  app.useGlobalPipes(new StorableParamsPipe(), createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(deps.components.logger.child({ component: 'api' })));
  const described = new DocumentBuilder()
    .setTitle('Hookway')
    .setDescription('Webhook delivery on Temporal: applications, endpoints, messages, deliveries, dead letters.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const document = withApplicationRoutes(SwaggerModule.createDocument(app, described));
  const { eventTypes } = deps.components.repositories;
  SwaggerModule.setup(DOCS_PATH, app, document, {
    // The catalog changes while the API runs: each read of the document shows it as it is now, and the
    // routes alone when PostgreSQL cannot say.
    patchDocumentOnRequest: deps.components.config.api.docsEventTypes
      ? async (_req, _res, built) => withCatalog(built, await eventTypes.list(DOCUMENTED_EVENT_TYPES, undefined, false).catch(() => []))
      : undefined,
  });
  return app;
}
