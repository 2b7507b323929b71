import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsNumber, Max, Min, ValidateIf } from 'class-validator';
import { Optional } from '../../common/validators';
import { CreateApplicationDto } from './create-application.dto';

/**
 * Body of `PATCH /v1/applications/:app`: any field of creation. Absent fields stay as they are; `null`
 * is refused except for `rateLimitPerSecond`, where it removes the limit. `metadata` is replaced whole.
 */
export class UpdateApplicationDto extends PartialType(OmitType(CreateApplicationDto, ['rateLimitPerSecond'] as const)) {
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0.01,
    maximum: 100_000,
    description: 'Requests per second all of its endpoints together get, across all workers; null removes the limit.',
    example: 50,
  })
  @Optional()
  @ValidateIf((_object: object, value: unknown) => value !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(100_000)
  rateLimitPerSecond?: number | null;
}
