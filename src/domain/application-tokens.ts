import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What every application token starts with, so it is recognisable in a config file or a secret scanner. */
export const APPLICATION_TOKEN_PREFIX = 'hwa_';

// `hwa_`, the token's id (`tok_` and 28 hex digits, as newId makes it), `_`, then base64url of 32 bytes.
const TOKEN_PATTERN = /^hwa_(tok_[0-9a-f]{28})_([A-Za-z0-9_-]{43})$/;

/** The parts of an application token: its id (the lookup key) and its secret (only its hash is stored). */
export interface ApplicationTokenParts {
  id: string;
  secret: string;
}

/** A new token secret: 32 random bytes, base64url. */
export function newTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The token a caller sends: the prefix, the id (so the lookup is by primary key), then the secret. */
export function formatApplicationToken(parts: ApplicationTokenParts): string {
  return `${APPLICATION_TOKEN_PREFIX}${parts.id}_${parts.secret}`;
}

/** The id and secret of a well-formed application token; undefined for anything else. */
export function parseApplicationToken(token: string): ApplicationTokenParts | undefined {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { id: match[1], secret: match[2] } : undefined;
}

/** What is stored of a secret: its SHA-256 digest. */
export function hashTokenSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Whether `secret` hashes to `stored`, compared in constant time. */
export function tokenSecretMatches(secret: string, stored: Buffer): boolean {
  const presented = hashTokenSecret(secret);
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
