import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiErrors, type ErrorAnswer } from '../common/openapi';

/** Metadata key of {@link OperatorOnly}. */
export const OPERATOR_ONLY = 'hookway:operator-only';
/** Metadata key of {@link AnyToken}. */
export const ANY_TOKEN = 'hookway:any-token';
/** Metadata key of {@link OwnedResource}. */
export const OWNED_RESOURCE = 'hookway:owned-resource';

/** The kinds of resource a global by-id route can read, each carrying its application. */
export type OwnedResourceKind = 'delivery' | 'dead_letter';

/** Which resource a global by-id route reads, and the path parameter that holds its id. */
export interface OwnedResourceRule {
  resource: OwnedResourceKind;
  param: string;
}

/** The 403 an application token gets on a route that only the operator's token may use. */
export const FORBIDDEN: ErrorAnswer = {
  status: 403,
  description: '`forbidden`: an application token on a route only the operator token (`HOOKWAY_API_TOKEN`) may use.',
  example: { code: 'forbidden', message: 'this route needs the operator token (HOOKWAY_API_TOKEN); an application token cannot use it' },
};

/**
 * A route (or every route of a controller) only the operator token may use: application tokens get
 * `403 forbidden`, after a route under `:app` has checked the application is theirs (else 404).
 */
export function OperatorOnly(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(OPERATOR_ONLY, true), ApiErrors(FORBIDDEN));
}

/**
 * A global route that reads one resource by id (`/v1/deliveries/:id`): an application token may use it
 * for its own application's resources; another application's answer the route's own 404, so their
 * existence is not revealed.
 */
export function OwnedResource(resource: OwnedResourceKind, param = 'id'): MethodDecorator & ClassDecorator {
  return SetMetadata(OWNED_RESOURCE, { resource, param } satisfies OwnedResourceRule);
}

/**
 * A global route any token may use because it answers about the caller itself (`/v1/portal/session`):
 * nothing of another application can be reached through it.
 */
export function AnyToken(): MethodDecorator & ClassDecorator {
  return SetMetadata(ANY_TOKEN, true);
}
