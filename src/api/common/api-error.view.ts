import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What went wrong, in a form a program can act on. */
export class ApiErrorDetail {
  @ApiProperty({ description: 'Stable code to act on, e.g. `invalid_field`, `endpoint_not_found`, `unauthorized`.', example: 'invalid_field' })
  code!: string;

  @ApiProperty({ description: 'What went wrong, for a person.', example: 'url must use http or https' })
  message!: string;

  @ApiPropertyOptional({
    description: 'With `invalid_field`: the path of the field, header or query parameter, e.g. `retryPolicy.maxAttempts` or `Idempotency-Key`. ' +
      'With `invalid_payload`: `payload` followed by the JSON pointer of the failing value inside it, e.g. `payload/amount`.',
    example: 'url',
  })
  field?: string;
}

/** The JSON every error answer carries. */
export class ApiErrorBody {
  @ApiProperty({ type: ApiErrorDetail, description: 'The error.' })
  error!: ApiErrorDetail;
}
