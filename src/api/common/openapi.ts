import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { NotFoundError } from '../../domain/errors';
import { ApiErrorBody, type ApiErrorDetail } from './api-error.view';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './pagination';

/** One error status a route can answer, with the codes it uses there and an example. */
export interface ErrorAnswer {
  status: number;
  description: string;
  example: ApiErrorDetail;
}

/** The error answers most routes share; route-specific ones (404, 409) are written where they occur. */
export const ERRORS = {
  invalidField: {
    status: 400,
    description: '`invalid_field` naming the field (`field`), or a body that is not JSON: `invalid_json`.',
    example: { code: 'invalid_field', message: 'url must use http or https', field: 'url' },
  },
  invalidQuery: {
    status: 400,
    description: '`invalid_field` naming the query parameter that is out of range or malformed, or `after` when it is no item of this list.',
    example: { code: 'invalid_field', message: `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}`, field: 'limit' },
  },
  unauthorized: {
    status: 401,
    description:
      '`unauthorized`: no `Authorization: Bearer <token>` (the operator token, HOOKWAY_API_TOKEN, or an application token), or a wrong or revoked token. ' +
      '`token_expired`: an application token whose lifetime is over (its secret matched; the message says when it expired).',
    example: { code: 'unauthorized', message: 'send Authorization: Bearer <token>' },
  },
  payloadTooLarge: {
    status: 413,
    description: '`payload_too_large`: the body is over HOOKWAY_MAX_PAYLOAD_BYTES (256 KiB by default).',
    example: { code: 'payload_too_large', message: 'request body is larger than 262144 bytes' },
  },
  unsupportedEncoding: {
    status: 415,
    description: '`unsupported_encoding` (a content-encoding the API does not decode) or `unsupported_charset` (send UTF-8).',
    example: { code: 'unsupported_charset', message: 'charset is not supported; send UTF-8' },
  },
} satisfies Record<string, ErrorAnswer>;

/** The 404 of a route that reads one `resource` by id; `id` is an example of it. */
export function notFound(resource: NotFoundError['resource'], id: string): ErrorAnswer {
  const name = resource.replace('_', ' ');
  return {
    status: 404,
    description: `\`${resource}_not_found\`: no ${name} with this id.`,
    example: { code: `${resource}_not_found`, message: `${name} ${id} not found` },
  };
}

/** The 404 of a route under `/v1/applications/:app` whose application is unknown, deleted, or not the token's. */
export const APPLICATION_NOT_FOUND: ErrorAnswer = {
  ...notFound('application', 'acme'),
  description: '`application_not_found`: no application with this id or uid, or one an application token may not see.',
};

/** The 404 of a global by-id route: no such resource, or (to an application token) another application's. */
export function notFoundOrNotOwned(resource: 'delivery' | 'dead_letter', id: string): ErrorAnswer {
  const answer = notFound(resource, id);
  return { ...answer, description: `${answer.description.slice(0, -1)}, or one of another application (to an application token).` };
}

/** The 503 of a route whose work `dependency` did not take; `description` says what the client should do. */
export function unavailable(dependency: 'postgres' | 'temporal', description: string): ErrorAnswer {
  return {
    status: 503,
    description: `\`${dependency}_unavailable\`: ${description}`,
    example: { code: `${dependency}_unavailable`, message: `${dependency} is unavailable; nothing was accepted, retry later` },
  };
}

/** The errors a JSON body can cause before any field is read, besides a 400. */
export const BODY_ERRORS = [ERRORS.invalidField, ERRORS.payloadTooLarge, ERRORS.unsupportedEncoding];

/**
 * Declares the error answers of a route, each with the shared `{ error }` schema. Answers of one status
 * become one response whose description lists each and whose examples are named by code.
 */
export function ApiErrors(...answers: ErrorAnswer[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorAnswer[]>();
  for (const answer of answers) byStatus.set(answer.status, [...(byStatus.get(answer.status) ?? []), answer]);
  return applyDecorators(
    ...[...byStatus].map(([status, [first, ...more]]) =>
      more.length === 0
        ? ApiResponse({ status, description: first.description, type: ApiErrorBody, example: { error: first.example } })
        : ApiResponse({
            status,
            description: [first, ...more].map((answer) => answer.description).join(' '),
            type: ApiErrorBody,
            examples: Object.fromEntries([first, ...more].map((answer) => [answer.example.code, { summary: answer.example.code, value: { error: answer.example } }])),
          }),
    ),
  );
}

/** A `/v1` controller: the bearer token is required, and every route can answer 401. */
export function ApiTokenRequired(): ClassDecorator {
  return applyDecorators(ApiBearerAuth(), ApiErrors(ERRORS.unauthorized));
}

/**
 * A controller under `/v1/applications/:app`: documents `app`. Its 404 `application_not_found` is added to
 * each route by `withApplicationRoutes` (a class-level 404 would be replaced by a route's own), and the
 * routes without an application (`/v1/endpoints`, ...) are copied in beside them.
 */
export function ApiApplicationScoped(): ClassDecorator {
  return ApiParam({ name: 'app', description: 'The application: its id (`app_...`) or its uid.', example: 'acme' });
}

/** The `:id` (or other) path parameter of a route. */
export function ApiIdParam(description: string, example: string, name = 'id'): MethodDecorator {
  return applyDecorators(ApiParam({ name, description, example }));
}

/** `limit` and `after`, the cursor every list pages by; `afterExample` is an id of the listed kind. */
export function ApiPageQuery(afterExample: string): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'limit',
      required: false,
      // With an explicit schema, the example must sit inside it to reach the document.
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT, example: DEFAULT_PAGE_LIMIT },
      description: `Items per page, 1 to ${MAX_PAGE_LIMIT}. A page shorter than this is the last.`,
    }),
    ApiQuery({
      name: 'after',
      required: false,
      type: String,
      description: 'The last `id` of the previous page; absent for the first page.',
      example: afterExample,
    }),
  );
}

/** `since` and `until`, the time bounds of a newest-first list; `what` says which instant they bound. */
export function ApiTimeRangeQuery(what: string): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'since',
      required: false,
      schema: { type: 'string', format: 'date-time', example: '2026-01-15T00:00:00Z' },
      description: `Only items whose ${what} is at or after this instant (ISO-8601 with \`Z\` or an offset).`,
    }),
    ApiQuery({
      name: 'until',
      required: false,
      schema: { type: 'string', format: 'date-time', example: '2026-01-16T00:00:00Z' },
      description: `Only items whose ${what} is before this instant (ISO-8601 with \`Z\` or an offset); later than \`since\`.`,
    }),
  );
}
