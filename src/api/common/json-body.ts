import { json, type RequestHandler } from 'express';

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

// body-parser tags its errors with a `type`; each maps to one answer a client can act on.
const BODY_ERRORS: Record<string, { status: number; code: string; message: (limit: number) => string }> = {
  'entity.parse.failed': { status: 400, code: 'invalid_json', message: () => 'request body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'payload_too_large', message: (limit) => `request body is larger than ${limit} bytes` },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding', message: () => 'content-encoding is not supported' },
  'charset.unsupported': { status: 415, code: 'unsupported_charset', message: () => 'charset is not supported; send UTF-8' },
  'request.aborted': { status: 400, code: 'request_aborted', message: () => 'the client aborted the request body' },
  'request.size.invalid': { status: 400, code: 'invalid_content_length', message: () => 'content-length does not match the body' },
};

/**
 * Parses JSON bodies up to `limit` bytes (chunked ones included: the limit counts bytes read). Parser
 * failures become a RequestBodyError, so the error filter can answer them with a precise code instead of
 * the generic 400 Nest would make of them.
 */
export function jsonBody(limit: number): RequestHandler {
  const parse = json({ limit, strict: true });
  return (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const type = (error as { type?: string }).type ?? '';
      const known = BODY_ERRORS[type];
      next(known ? new RequestBodyError(known.status, known.code, known.message(limit)) : error);
    });
}
