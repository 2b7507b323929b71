import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiErrors, type ErrorAnswer } from '../common/openapi';

/** Metadata key of {@link OperatorOnly}. */
export const OPERATOR_ONLY = 'hookway:operator-only';
/** Metadata key of {@link OpenToApplications}. */
export const OPEN_TO_APPLICATIONS = 'hookway:open-to-applications';
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
 * A global route every application token may use as well, because it shows nothing of another
 * application: the event-type catalog's reads, which an application's portal offers to subscribe to, and
 * `/v1/portal/session`, which answers about the caller itself.
 */
export function OpenToApplications(): MethodDecorator & ClassDecorator {
  return SetMetadata(OPEN_TO_APPLICATIONS, true);
}
