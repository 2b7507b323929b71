import { ApiProperty } from '@nestjs/swagger';
import type { ApplicationRecord } from '../../db/applications.repository';
import { EXAMPLE } from '../common/examples';

/** An application as the API shows it. */
export class ApplicationView {
  @ApiProperty({ description: 'The application id: `app_` and 28 hex digits (`app_default` for the default application).', example: EXAMPLE.applicationId })
  id!: string;

  @ApiProperty({ description: 'Your own id for this customer; paths take it in place of the id.', example: EXAMPLE.applicationUid })
  uid!: string;

  @ApiProperty({ description: 'A name for people.', example: 'Acme Corp' })
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Your own key-value pairs, `{}` when not set.', example: { plan: 'enterprise' } })
  metadata!: Record<string, string>;

  @ApiProperty({ type: Number, nullable: true, description: 'Requests per second all of its endpoints together get; null for no limit.', example: 50 })
  rateLimitPerSecond!: number | null;

  @ApiProperty({ format: 'date-time', description: 'When it was created.', example: EXAMPLE.createdAt })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When it last changed.', example: EXAMPLE.updatedAt })
  updatedAt!: string;
}

/** A page of applications, oldest first. */
export class ApplicationPage {
  @ApiProperty({ type: [ApplicationView], description: 'The applications of this page.' })
  items!: ApplicationView[];
}

/** Renders an application. */
export function toApplicationView(application: ApplicationRecord): ApplicationView {
  return {
    id: application.id,
    uid: application.uid,
    name: application.name,
    metadata: application.metadata,
    rateLimitPerSecond: application.rateLimitPerSecond,
    createdAt: application.createdAt.toISOString(),
    updatedAt: application.updatedAt.toISOString(),
  };
}
