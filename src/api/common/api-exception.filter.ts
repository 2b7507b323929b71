import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DependencyUnavailableError, InvalidFieldError, NotFoundError } from '../../domain/errors';
import type { Logger } from '../../logging/logger';

/** The JSON every error answer carries. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

// body-parser's error types, which reach us before any controller runs.
const BODY_PARSER_CODES: Record<string, { status: number; code: string }> = {
  'entity.parse.failed': { status: 400, code: 'invalid_json' },
  'entity.too.large': { status: 413, code: 'payload_too_large' },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding' },
  'charset.unsupported': { status: 415, code: 'unsupported_charset' },
  'request.aborted': { status: 400, code: 'request_aborted' },
};

function describe(exception: unknown): { status: number; body: ApiErrorBody } {
  if (exception instanceof InvalidFieldError) {
    return { status: 400, body: { error: { code: 'invalid_field', message: exception.message, field: exception.field } } };
  }
  if (exception instanceof NotFoundError) {
    return { status: 404, body: { error: { code: `${exception.resource}_not_found`, message: exception.message } } };
  }
  if (exception instanceof DependencyUnavailableError) {
    return { status: 503, body: { error: { code: `${exception.dependency}_unavailable`, message: exception.message } } };
  }
  const parserError = exception as { type?: string; status?: number; message?: string };
  if (parserError && typeof parserError.type === 'string' && parserError.type in BODY_PARSER_CODES) {
    const { status, code } = BODY_PARSER_CODES[parserError.type];
    return { status, body: { error: { code, message: parserError.message ?? code } } };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = status === 404 ? 'route_not_found' : `http_${status}`;
    return { status, body: { error: { code, message: exception.message } } };
  }
  return { status: 500, body: { error: { code: 'internal_error', message: 'internal error; see the server log' } } };
}

/** Maps every error to `{ error: { code, message, field? } }` and its status; logs what is unexpected. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body } = describe(exception);
    if (status >= 500) this.logger.error({ err: exception }, 'request failed');
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}
