import { json, type RequestHandler } from 'express';
import { InvalidFieldError } from '../../domain/errors';
import { findUnstorableString } from './validators';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-depth';

/** A request body that could not be read: not JSON, too large, or in an encoding we do not take. */
export class RequestBodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestBodyError';
  }
}

// body-parser tags its errors with a `type` (ours from `verify` too); each maps to one answer a client can act on.
const BODY_ERRORS: Record<string, { status: number; code: string; message: (limit: number) => string }> = {
  'entity.parse.failed': { status: 400, code: 'invalid_json', message: () => 'request body is not valid JSON' },
  'entity.too.deep': {
    status: 400,
    code: 'invalid_json',
    message: () => `request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
  },
  'entity.too.large': { status: 413, code: 'payload_too_large', message: (limit) => `request body is larger than ${limit} bytes` },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding', message: () => 'content-encoding is not supported' },
  'charset.unsupported': { status: 415, code: 'unsupported_charset', message: () => 'charset is not supported; send UTF-8' },
  'request.aborted': { status: 400, code: 'request_aborted', message: () => 'the client aborted the request body' },
  'request.size.invalid': { status: 400, code: 'invalid_content_length', message: () => 'content-length does not match the body' },
};

function typedError(type: string): Error {
  return Object.assign(new Error(type), { type });
}

/**
 * Runs on the raw (decompressed) bytes before JSON.parse: a body nested too deep never becomes a value,
 * so nothing downstream can recurse into it. Other charsets body-parser accepts are re-encoded as UTF-8
 * for the scan; one Node cannot decode (UTF-32) is refused as unsupported.
 */
function refuseDeepNesting(_req: unknown, _res: unknown, body: Buffer, encoding: string | null): void {
  let utf8: Uint8Array = body;
  if (encoding && encoding !== 'utf-8' && encoding !== 'utf8') {
    try {
      utf8 = Buffer.from(new TextDecoder(encoding).decode(body), 'utf8');
    } catch {
      throw typedError('charset.unsupported');
    }
  }
  if (jsonNestsDeeperThan(utf8, MAX_JSON_DEPTH)) throw typedError('entity.too.deep');
}

// Nest's ValidationPipe deletes these keys anywhere in a body (prototype-pollution protection), which
// would silently change a payload; they are refused by name instead.
const STRIPPED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function strippedKeyPath(value: unknown, path: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!Array.isArray(value) && STRIPPED_KEYS.has(key)) return childPath;
    const found = strippedKeyPath(child, childPath);
    if (found) return found;
  }
  return undefined;
}

/**
 * Parses JSON bodies up to `limit` bytes (chunked ones included: the limit counts bytes read) and at most
 * {@link MAX_JSON_DEPTH} levels deep, and refuses keys Nest would strip. Parser failures become a
 * RequestBodyError, so the error filter can answer them with a precise code instead of the generic 400
 * Nest would make of them.
 */
export function jsonBody(limit: number): RequestHandler {
  const parse = json({ limit, strict: true, verify: refuseDeepNesting });
  return (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      if (!error) {
        // This callback runs from the body stream's events, outside Express's own try/catch: a throw here
        // would be uncaught, so whatever fails goes to the error filter instead.
        let stripped: string | undefined;
        let unstorable: string | undefined;
        try {
          stripped = strippedKeyPath(req.body, '');
          unstorable = stripped === undefined ? findUnstorableString(req.body) : undefined;
        } catch (failure) {
          return next(failure);
        }
        if (stripped) {
          return next(new InvalidFieldError(stripped, `${stripped}: keys named __proto__, constructor or prototype are refused, as they cannot be passed on safely`));
        }
        // PostgreSQL stores neither U+0000 nor half a surrogate pair, in text or jsonb: refused in any field,
        // key or value, before a statement could fail on them.
        if (unstorable !== undefined) {
          return next(new InvalidFieldError(unstorable, `${unstorable || 'the body'} holds U+0000 or an unpaired surrogate, which cannot be stored; send valid UTF-16 without NUL`));
        }
        return next();
      }
      const type = (error as { type?: string }).type ?? '';
      const known = BODY_ERRORS[type];
      next(known ? new RequestBodyError(known.status, known.code, known.message(limit)) : error);
    });
}
