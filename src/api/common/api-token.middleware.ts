import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/** A request without the right bearer token. */
export class UnauthorizedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

// Open for probes, scrapers and readers; everything else needs the token. An allowlist, because Express
// matches routes case-insensitively: a `/v1` prefix check would let `/V1/endpoints` through.
const OPEN_PATHS = ['/health', '/metrics', '/docs', '/docs-json', '/docs-yaml'];

function isOpen(path: string): boolean {
  const normalised = path.toLowerCase().replace(/\/+$/, '') || '/';
  return OPEN_PATHS.includes(normalised) || normalised.startsWith('/docs/');
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Requires `Authorization: Bearer <HOOKWAY_API_TOKEN>` on every route but health, metrics and the docs.
 * Runs before the body is read, so strangers cannot make the API parse anything. Both sides are hashed
 * before the constant-time compare, so neither the token's content nor its length leaks through timing.
 */
export function apiTokenMiddleware(token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    if (isOpen(req.path)) return next();
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (match && timingSafeEqual(digest(match[1]), expected)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="hookway"');
    next(new UnauthorizedError(match ? 'the bearer token is not valid' : 'send Authorization: Bearer <HOOKWAY_API_TOKEN>'));
  };
}
