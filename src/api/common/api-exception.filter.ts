import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ConflictError, DependencyUnavailableError, ForbiddenError, InvalidFieldError, NotFoundError } from '../../domain/errors';
import type { Logger } from '../../logging/logger';
import type { ApiErrorBody } from './api-error.view';
import { UnauthorizedError } from '../auth/api-token.middleware';
import { RequestBodyError } from './json-body';

function describe(exception: unknown): { status: number; body: ApiErrorBody } {
  if (exception instanceof InvalidFieldError) {
    return { status: 400, body: { error: { code: 'invalid_field', message: exception.message, field: exception.field } } };
  }
  if (exception instanceof NotFoundError) {
    return { status: 404, body: { error: { code: `${exception.resource}_not_found`, message: exception.message } } };
  }
  if (exception instanceof UnauthorizedError) {
    return { status: 401, body: { error: { code: exception.code, message: exception.message } } };
  }
  if (exception instanceof ForbiddenError) {
    return { status: 403, body: { error: { code: 'forbidden', message: exception.message } } };
  }
  if (exception instanceof ConflictError) {
    return { status: 409, body: { error: { code: exception.code, message: exception.message } } };
  }
  if (exception instanceof DependencyUnavailableError) {
    return { status: 503, body: { error: { code: `${exception.dependency}_unavailable`, message: exception.message } } };
  }
  if (exception instanceof RequestBodyError) {
    return { status: exception.status, body: { error: { code: exception.code, message: exception.message } } };
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
    if (status === 503) this.logger.warn({ err: exception }, 'request refused: a dependency is unavailable');
    else if (status >= 500) this.logger.error({ err: exception }, 'request failed');
    const res = host.switchToHttp().getResponse<Response>();
    // Every 401 says how to authenticate, wherever it was decided (the token middleware or the guard).
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="hookway"');
    res.status(status).json(body);
  }
}
