import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE } from '../common/examples';

/** The answer of `GET /v1/endpoints/:id/secret`. */
export class EndpointSecretView {
  @ApiProperty({ description: 'The current signing secret; during a rotation\'s overlap, the new one.', example: EXAMPLE.secret })
  secret!: string;
}

/** The answer of `POST /v1/endpoints/:id/secret/rotate`. */
export class RotatedSecretView {
  @ApiProperty({ description: 'The new generated signing secret (`whsec_` and base64 of 32 bytes).', example: EXAMPLE.secret })
  secret!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'Until when the previous secret keeps signing beside the new one: HOOKWAY_SECRET_ROTATION_OVERLAP (24 h by default) after the rotation.',
    example: '2026-01-16T09:30:00.000Z',
  })
  previousSecretExpiresAt!: string | null;
}
