import type { OpenAPIObject } from '@nestjs/swagger';
import type { RequestHandler } from 'express';
import { DEFAULT_APPLICATION } from '../../domain/applications';
import { APPLICATION_NOT_FOUND } from './openapi';
import { FORBIDDEN } from '../auth/access.decorators';

type Operation = Record<string, unknown> & { operationId?: string; summary?: string; parameters?: unknown[]; responses?: Record<string, unknown> };

const SCOPED = `/v1/applications/${DEFAULT_APPLICATION.uid}`;

/**
 * Where a route without an application goes: `/v1/endpoints...` and `/v1/messages...` are the default
 * application's, and so is the dead-letter list (`GET /v1/dead-letters`); `/v1/dead-letters/:id` stays
 * global, as dead-letter ids are. Undefined for every other path.
 */
export function shorthandTarget(method: string, path: string): string | undefined {
  const resource = /^\/v1\/(endpoints|messages)(\/.*)?$/i.exec(path);
  if (resource) return `${SCOPED}/${resource[1]}${resource[2] ?? ''}`;
  if (/^\/v1\/dead-letters\/?$/i.test(path) && (method === 'GET' || method === 'HEAD')) return `${SCOPED}/dead-letters`;
  return undefined;
}

const REWRITTEN = new WeakSet<object>();

/**
 * Serves the shorthand routes by rewriting them to the default application's before routing, so each
 * route is written once, under `/v1/applications/:app`; {@link isShorthand} remembers which requests were.
 */
export function shorthandRoutes(): RequestHandler {
  return (req, _res, next) => {
    const target = shorthandTarget(req.method, req.path);
    if (target) {
      const query = req.url.indexOf('?');
      req.url = target + (query >= 0 ? req.url.slice(query) : '');
      REWRITTEN.add(req);
    }
    next();
  };
}

/** Whether the request came on a shorthand route (however its request line spelt the URL). */
export function isShorthand(req: object): boolean {
  return REWRITTEN.has(req);
}

/**
 * Drops what only an application path can answer (its `app` parameter and `application_not_found`), and
 * adds the 403 of an application token: the shorthand routes are the operator's.
 */
function withoutApplication(operation: Operation): Operation {
  const parameters = (operation.parameters ?? []).filter((p) => !(typeof p === 'object' && p !== null && (p as { name?: string }).name === 'app'));
  const responses = { ...(operation.responses ?? {}) };
  const notFound = responses['404'] as { content?: Record<string, { examples?: Record<string, unknown>; example?: { error?: { code?: string } } }> } | undefined;
  const json = notFound?.content?.['application/json'];
  if (json?.examples && 'application_not_found' in json.examples) {
    const { application_not_found: _dropped, ...others } = json.examples;
    const rest = Object.values(others);
    if (rest.length === 0) delete responses['404'];
    else responses['404'] = { ...notFound, content: { 'application/json': { ...json, examples: others } } };
  } else if (json?.example?.error?.code === 'application_not_found') {
    delete responses['404'];
  }
  const unauthorized = responses['401'] as { content?: Record<string, { schema?: unknown }> } | undefined;
  responses['403'] = {
    description: `${FORBIDDEN.description} The routes without an application are the operator's; an application token uses \`/v1/applications/{app}/...\`.`,
    content: { 'application/json': { schema: unauthorized?.content?.['application/json']?.schema, example: { error: FORBIDDEN.example } } },
  };
  return {
    ...operation,
    operationId: operation.operationId ? `${operation.operationId}_defaultApplication` : undefined,
    summary: `Default application: ${operation.summary ?? ''}`,
    parameters,
    responses,
  };
}

type ErrorContent = { schema?: unknown; example?: { error: { code: string } }; examples?: Record<string, unknown> };
type ErrorResponse = { description?: string; content?: Record<string, ErrorContent> };


/** The operation's 404 with `application_not_found` among its answers, in the shared `{ error }` schema. */
function withApplicationNotFound(operation: Operation): Operation {
  const responses = { ...(operation.responses ?? {}) } as Record<string, ErrorResponse>;
  const schema = responses['401']?.content?.['application/json']?.schema;
  const existing = responses['404'];
  const json = existing?.content?.['application/json'];
  if (json?.example?.error.code === 'application_not_found' || (json?.examples && 'application_not_found' in json.examples)) return operation;
  const examples: Record<string, unknown> = { ...(json?.examples ?? {}) };
  if (json?.example) examples[json.example.error.code] = { summary: json.example.error.code, value: json.example };
  examples.application_not_found = { summary: 'application_not_found', value: { error: APPLICATION_NOT_FOUND.example } };
  const description = [existing?.description, APPLICATION_NOT_FOUND.description].filter(Boolean).join(' ');
  responses['404'] = { description, content: { 'application/json': { schema: json?.schema ?? schema, examples } } };
  return { ...operation, responses };
}

/**
 * The document with every route under `/v1/applications/{app}` declaring `application_not_found`, and each
 * shorthand route beside the application route it stands for.
 */
export function withApplicationRoutes(document: OpenAPIObject): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  for (const [path, original] of Object.entries(document.paths)) {
    const scoped = /^\/v1\/applications\/\{app\}(\/.*)?$/.exec(path);
    const item = scoped
      ? Object.fromEntries(Object.entries(original as Record<string, Operation>).map(([method, operation]) => [method, withApplicationNotFound(operation)]))
      : original;
    paths[path] = item;
    if (!scoped?.[1]) continue;
    const short = `/v1${scoped[1]}`;
    const methods = Object.entries(item as Record<string, Operation>).filter(([method]) => shorthandTarget(method.toUpperCase(), short) !== undefined);
    if (methods.length === 0) continue;
    paths[short] = Object.fromEntries(methods.map(([method, operation]) => [method, withoutApplication(operation)]));
  }
  return { ...document, paths };
}
