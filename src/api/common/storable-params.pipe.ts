import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { InvalidFieldError } from '../../domain/errors';

/**
 * Refuses path and query values holding U+0000 (`/v1/endpoints/%00`), by name: they are looked up in
 * PostgreSQL, whose text type cannot hold that character and would fail the query with a 500.
 */
@Injectable()
export class StorableParamsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' && metadata.type !== 'query') return value;
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'string' && v.includes('\u0000'))) {
      const field = metadata.data ?? metadata.type;
      throw new InvalidFieldError(field, `${field} must not contain U+0000`);
    }
    return value;
  }
}
