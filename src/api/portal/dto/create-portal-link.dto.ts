import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { Optional } from '../../common/validators';

/** The shortest life of a portal link: one minute. */
export const MIN_PORTAL_LINK_SECONDS = 60;
/** The longest life of a portal link: one week. */
export const MAX_PORTAL_LINK_SECONDS = 604_800;
/** A portal link's life when none is asked for: one hour. */
export const DEFAULT_PORTAL_LINK_SECONDS = 3_600;

/** Body of `POST /v1/applications/:app/portal`. */
export class CreatePortalLinkDto {
  @ApiPropertyOptional({
    description: 'How long the link (and the application token it carries) works, in whole seconds from now: one minute to one week.',
    minimum: MIN_PORTAL_LINK_SECONDS,
    maximum: MAX_PORTAL_LINK_SECONDS,
    default: DEFAULT_PORTAL_LINK_SECONDS,
    example: DEFAULT_PORTAL_LINK_SECONDS,
  })
  @Optional()
  @IsInt()
  @Min(MIN_PORTAL_LINK_SECONDS)
  @Max(MAX_PORTAL_LINK_SECONDS)
  expiresInSeconds?: number;
}
