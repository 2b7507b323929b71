import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Optional } from '../../common/validators';

/** The longest lifetime a token may be given: ten years. */
export const MAX_TOKEN_LIFETIME_SECONDS = 315_360_000;

/** Body of `POST /v1/applications/:app/tokens`. */
export class CreateApplicationTokenDto {
  @ApiPropertyOptional({ description: 'A name for people: what uses the token.', minLength: 1, maxLength: 256, example: 'Acme deploy pipeline' })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name?: string;

  @ApiPropertyOptional({
    description: 'How long the token works, in whole seconds from now (up to ten years); absent means until it is revoked.',
    minimum: 1,
    maximum: MAX_TOKEN_LIFETIME_SECONDS,
    example: 2_592_000,
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOKEN_LIFETIME_SECONDS)
  expiresInSeconds?: number;
}
