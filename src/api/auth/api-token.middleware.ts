import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApplicationTokensRepository } from '../../db/application-tokens.repository';
import { APPLICATION_TOKEN_PREFIX, parseApplicationToken, tokenSecretMatches } from '../../domain/application-tokens';
import { DependencyUnavailableError } from '../../domain/errors';
import { setPrincipal, type Principal } from './principal';

/**
 * A request without the right bearer token. `code` is `token_expired` only for an application token whose
 * secret matched but whose lifetime is over; every other refusal is `unauthorized`.
 */
export class UnauthorizedError extends Error {
  constructor(
    message: string,
    readonly code: 'unauthorized' | 'token_expired' = 'unauthorized',
  ) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/**
 * The refusal of a token whose secret matched: `token_expired` (saying when) once its lifetime is over.
 * Only a caller holding the secret learns this; a guessed id with a wrong secret stays `unauthorized`.
 */
export function expiredTokenError(expiresAt: Date | null): UnauthorizedError {
  return new UnauthorizedError(`the bearer token expired at ${expiresAt?.toISOString() ?? 'an earlier time'}; ask for a new one`, 'token_expired');
}

// Open for probes, scrapers and readers; everything else needs the token. An allowlist, because Express
// matches routes case-insensitively: a `/v1` prefix check would let `/V1/endpoints` through.
const OPEN_PATHS = ['/health', '/metrics', '/docs', '/docs-json', '/docs-yaml'];

/** Whether `path` is served without a token: health, metrics and the docs. */
export function isOpenPath(path: string): boolean {
  const normalised = path.toLowerCase().replace(/\/+$/, '') || '/';
  return OPEN_PATHS.includes(normalised) || normalised.startsWith('/docs/');
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

const OPERATOR: Principal = { kind: 'operator' };

/** How callers authenticate: the operator's token, or none at all (HOOKWAY_INSECURE_NO_AUTH). */
export interface ApiTokenOptions {
  /** `HOOKWAY_API_TOKEN`; undefined when the API runs open, and every caller without a token is the operator. */
  operatorToken?: string;
  /** Where application tokens are looked up, on every request that carries one. */
  tokens: ApplicationTokensRepository;
}

/**
 * Requires `Authorization: Bearer <token>` on every route but health, metrics and the docs, and records
 * who the request acts for (see {@link Principal}): the operator's token, or a live application token.
 * Runs before the body is read, so strangers cannot make the API parse anything. The operator's token
 * and an application token's secret are hashed before each constant-time compare, so neither content
 * nor length leaks through timing. An application token is read from PostgreSQL by its id on every
 * request (no cache), so a revocation holds at once on every API process.
 */
export function apiTokenMiddleware(options: ApiTokenOptions): RequestHandler {
  const expected = options.operatorToken === undefined ? undefined : digest(options.operatorToken);
  const refuse = (res: Parameters<RequestHandler>[1], message: string | UnauthorizedError): UnauthorizedError => {
    res.setHeader('WWW-Authenticate', 'Bearer realm="hookway"');
    return typeof message === 'string' ? new UnauthorizedError(message) : message;
  };
  return (req, res, next) => {
    if (isOpenPath(req.path)) return next();
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const presented = match?.[1];
    if (expected && presented !== undefined && timingSafeEqual(digest(presented), expected)) {
      setPrincipal(req, OPERATOR);
      return next();
    }
    const parts = presented === undefined ? undefined : parseApplicationToken(presented);
    if (!parts) {
      // A mangled application token is a mistake to report, not an anonymous caller of an open API.
      if (!expected && !presented?.startsWith(APPLICATION_TOKEN_PREFIX)) {
        setPrincipal(req, OPERATOR);
        return next();
      }
      return next(refuse(res, presented === undefined ? 'send Authorization: Bearer <token>' : 'the bearer token is not valid'));
    }
    options.tokens.findCredential(parts.id).then(
      (credential) => {
        if (!credential || !tokenSecretMatches(parts.secret, credential.secretHash)) return next(refuse(res, 'the bearer token is not valid'));
        if (credential.expired) return next(refuse(res, expiredTokenError(credential.expiresAt)));
        setPrincipal(req, {
          kind: 'application',
          tokenId: parts.id,
          applicationId: credential.applicationId,
          applicationUid: credential.applicationUid,
          expiresAt: credential.expiresAt,
        });
        next();
      },
      (error: unknown) => next(new DependencyUnavailableError('postgres', error)),
    );
  };
}
