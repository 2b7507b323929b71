import { ApiProperty } from '@nestjs/swagger';
import type { ApplicationTokenRecord } from '../../db/application-tokens.repository';
import { EXAMPLE } from '../common/examples';

/** An application token as lists show it: everything but the token itself. */
export class ApplicationTokenView {
  @ApiProperty({ description: 'The token id: `tok_` and 28 hex digits. It is also part of the token.', example: EXAMPLE.tokenId })
  id!: string;

  @ApiProperty({ description: 'The application whose routes the token opens.', example: EXAMPLE.applicationId })
  applicationId!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Its name, null when none was given.', example: 'Acme deploy pipeline' })
  name!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it stops working; null for never.', example: '2026-02-14T09:30:00.000Z' })
  expiresAt!: string | null;

  @ApiProperty({ format: 'date-time', description: 'When it was created.', example: EXAMPLE.createdAt })
  createdAt!: string;
}

/** The answer of `POST /v1/applications/:app/tokens`: the only time the token is shown. */
export class CreatedApplicationTokenView extends ApplicationTokenView {
  @ApiProperty({
    description: 'The token to send as `Authorization: Bearer <token>`: `hwa_`, the token id, `_` and 32 random bytes (base64url). Shown this once; only a hash is kept.',
    example: EXAMPLE.applicationToken,
  })
  token!: string;
}

/** A page of an application's tokens, by id (oldest first). */
export class ApplicationTokenPage {
  @ApiProperty({ type: [ApplicationTokenView], description: 'The tokens of this page, revoked ones left out; expired ones stay until revoked.' })
  items!: ApplicationTokenView[];
}

/** Renders a token without its secret. */
export function toApplicationTokenView(token: ApplicationTokenRecord): ApplicationTokenView {
  return {
    id: token.id,
    applicationId: token.applicationId,
    name: token.name,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    createdAt: token.createdAt.toISOString(),
  };
}
