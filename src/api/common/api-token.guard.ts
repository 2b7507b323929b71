import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

/** A request without the right bearer token. */
export class UnauthorizedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

// Open for probes, scrapers and readers; everything else needs the token. An allowlist, because Express
// matches routes case-insensitively: a `/v1` prefix check would let `/V1/endpoints` through.
const OPEN_PATHS = ['/health', '/metrics', '/docs', '/docs-json', '/docs-yaml'];

function isOpen(path: string): boolean {
  const normalised = path.toLowerCase().replace(/\/+$/, '') || '/';
  return OPEN_PATHS.includes(normalised) || normalised.startsWith('/docs/');
}

/**
 * Requires `Authorization: Bearer <HOOKWAY_API_TOKEN>` on every route but health, metrics and the docs.
 * Both sides are hashed before the constant-time compare, so neither the token's content nor its length
 * leaks through timing.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (isOpen(request.path)) return true;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match && timingSafeEqual(digest(match[1]), this.expected)) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="hookway"');
    throw new UnauthorizedError(match ? 'the bearer token is not valid' : 'send Authorization: Bearer <HOOKWAY_API_TOKEN>');
  }
}
