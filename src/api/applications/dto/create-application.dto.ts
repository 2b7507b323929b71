import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { EXAMPLE } from '../../common/examples';
import { IsStringMap, KeepAsSent, Optional } from '../../common/validators';

/**
 * The caller's ids for its customers: letters, digits and `_ . : -`; not `.` or `..` (URL paths normalise
 * them away) and not starting with `app_`, so a uid can never be taken for another application's id.
 */
export const UID_PATTERN = /^(?!\.{1,2}$)(?!app_)[A-Za-z0-9_.:-]{1,256}$/;

/** Body of `POST /v1/applications`. */
export class CreateApplicationDto {
  @ApiProperty({ description: 'A name for people: the customer it stands for.', minLength: 1, maxLength: 256, example: 'Acme Corp' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;

  @ApiPropertyOptional({
    description:
      'Your own id for this customer, `[A-Za-z0-9_.:-]{1,256}`, not starting with `app_`, unique among live applications (409 `application_exists`). ' +
      'Every path that takes `:app` takes the uid as well as the id. Defaults to the generated id.',
    example: EXAMPLE.applicationUid,
  })
  @Optional()
  @IsString()
  @Matches(UID_PATTERN, { message: 'uid must match [A-Za-z0-9_.:-]{1,256}, not be "." or "..", and not start with app_' })
  uid?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Your own key-value pairs: at most 50, keys up to 256 and values up to 1024 characters. Shown as given.',
    example: { plan: 'enterprise', region: 'eu' },
  })
  @Optional()
  @IsStringMap()
  @KeepAsSent()
  metadata?: Record<string, string>;

  @ApiPropertyOptional({
    description: 'Requests per second that all of its endpoints together get, across all workers; absent means no limit beyond each endpoint\'s own.',
    minimum: 0.01,
    maximum: 100_000,
    example: 50,
  })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(100_000)
  rateLimitPerSecond?: number;
}
