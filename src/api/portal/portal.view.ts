import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE } from '../common/examples';

/** The answer of `POST /v1/applications/:app/portal`: a link to hand to the application's people. */
export class PortalLinkView {
  @ApiProperty({
    description:
      'The portal, with a new application token in the URL fragment (`#token=...`): browsers never send a fragment to a server, so the token stays out of ' +
      'access logs and `Referer` headers. Anyone holding the link acts as the application until it expires or its token is revoked.',
    example: `https://hooks.example.com/portal/#token=${EXAMPLE.applicationToken}`,
  })
  url!: string;

  @ApiProperty({ format: 'date-time', description: 'When the link (its token) stops working.', example: '2026-01-15T10:30:00.000Z' })
  expiresAt!: string;

  @ApiProperty({ description: 'The id of the token the link carries, named `portal`: `DELETE /v1/applications/{app}/tokens/{id}` revokes the link.', example: EXAMPLE.tokenId })
  tokenId!: string;
}

/** The answer of `GET /v1/portal/session`: who the bearer token is. */
export class PortalSessionView {
  @ApiProperty({ enum: ['operator', 'application'], description: '`operator` for the operator token (every application), `application` for an application token.', example: 'application' })
  kind!: 'operator' | 'application';

  @ApiProperty({ type: String, nullable: true, description: "The application an application token opens; null for the operator.", example: EXAMPLE.applicationId })
  applicationId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The Temporal Web UI's base URL (TEMPORAL_UI_URL), for the operator only; null for an application token.",
    example: null,
  })
  temporalUiUrl!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: "When the application token expires; null for the operator's and for a token without expiry.", example: '2026-01-15T10:30:00.000Z' })
  expiresAt!: string | null;
}
