import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApplicationTokensRepository } from '../../db/application-tokens.repository';
import { DeadLettersRepository } from '../../db/dead-letters.repository';
import { DeliveriesRepository } from '../../db/deliveries.repository';
import { DependencyUnavailableError, ForbiddenError, NotFoundError } from '../../domain/errors';
import { isShorthand } from '../common/shorthand-routes';
import { findUnstorableString } from '../common/validators';
import { expiredTokenError, isOpenPath, UnauthorizedError } from './api-token.middleware';
import { ANY_TOKEN, OPERATOR_ONLY, OWNED_RESOURCE, type OwnedResourceKind, type OwnedResourceRule } from './access.decorators';
import { principalOf } from './principal';

const FORBIDDEN_MESSAGE = 'this route needs the operator token (HOOKWAY_API_TOKEN); an application token cannot use it';

/**
 * Decides what an application token may reach; the operator's token reaches everything. In order:
 * 1. a shorthand route (`/v1/endpoints...`, `/v1/messages...`, `GET /v1/dead-letters`: the default
 *    application's) answers 403;
 * 2. a route with `:app` naming another application (or none) answers 404 `application_not_found`;
 * 3. an {@link OperatorOnly} route answers 403;
 * 4. a route under the token's own application passes, and so does an {@link AnyToken} route;
 * 5. an {@link OwnedResource} route passes for the token's own resource and answers that resource's 404
 *    for any other;
 * 6. any other route answers 403: a route added without a rule is closed to application tokens.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly owners: Record<OwnedResourceKind, (id: string) => Promise<string | undefined>>;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApplicationTokensRepository,
    deliveries: DeliveriesRepository,
    deadLetters: DeadLettersRepository,
  ) {
    this.owners = {
      delivery: async (id) => (await deliveries.findById(id))?.applicationId,
      dead_letter: async (id) => (await deadLetters.findById(id))?.applicationId,
    };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(req);
    if (!principal) {
      if (isOpenPath(req.path)) return true;
      throw new UnauthorizedError('send Authorization: Bearer <token>');
    }
    if (principal.kind === 'operator') return true;

    // The token was checked when the headers came; a body can take minutes, and a revocation (or the
    // application's deletion) meanwhile must hold before anything is done.
    const still = await this.tokens.findCredential(principal.tokenId).catch((error: unknown) => {
      throw new DependencyUnavailableError('postgres', error);
    });
    if (still?.applicationId !== principal.applicationId) throw new UnauthorizedError('the bearer token is not valid');
    if (still.expired) throw expiredTokenError(still.expiresAt);
    if (isShorthand(req)) throw new ForbiddenError(FORBIDDEN_MESSAGE);
    const app = (req.params as Record<string, string | undefined>).app;
    if (app !== undefined && app !== principal.applicationId && app !== principal.applicationUid) throw new NotFoundError('application', app);
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(OPERATOR_ONLY, targets)) throw new ForbiddenError(FORBIDDEN_MESSAGE);
    if (app !== undefined) return true;
    if (this.reflector.getAllAndOverride<boolean>(ANY_TOKEN, targets)) return true;

    const owned = this.reflector.getAllAndOverride<OwnedResourceRule | undefined>(OWNED_RESOURCE, targets);
    if (!owned) throw new ForbiddenError(FORBIDDEN_MESSAGE);
    const id = (req.params as Record<string, string | undefined>)[owned.param] ?? '';
    // An id PostgreSQL cannot even compare (U+0000) names nothing anyone owns.
    if (findUnstorableString(id) !== undefined) throw new NotFoundError(owned.resource, id);
    const owner = await this.owners[owned.resource](id).catch((error: unknown) => {
      throw new DependencyUnavailableError('postgres', error);
    });
    if (owner !== principal.applicationId) throw new NotFoundError(owned.resource, id);
    return true;
  }
}
