import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidFieldError } from '../../domain/errors';
import { innerFieldPath } from './validators';

/** The first failed constraint of class-validator's `errors` as an error naming its full path under `prefix`. */
export function firstProblem(errors: ValidationError[], prefix = ''): InvalidFieldError | undefined {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const [failed] = Object.entries(error.constraints ?? {});
    if (failed) {
      const [constraint, text] = failed;
      const inner = innerFieldPath(constraint, error.value);
      if (inner !== undefined) return new InvalidFieldError(`${field}.${inner}`, `${field}.${inner}: ${text}`);
      // class-validator words messages after the bare property; name the whole path instead.
      const message = text.startsWith(`${error.property} `) ? `${field}${text.slice(error.property.length)}` : `${field}: ${text}`;
      return new InvalidFieldError(field, message);
    }
    const nested = firstProblem(error.children ?? [], field);
    if (nested) return nested;
  }
  return undefined;
}

/** How every body is validated, by the pipe and by routes that validate parts of a body themselves. */
export const VALIDATOR_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true } as const;

/**
 * The one validation pipe: strips nothing silently (unknown fields are refused by name), transforms
 * plain bodies into DTO classes, and reports the first bad field with its full path.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => firstProblem(errors) ?? new InvalidFieldError('body', 'request body is invalid'),
  });
}
