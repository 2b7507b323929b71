import { ApiProperty } from '@nestjs/swagger';
import type { EventTypeRecord } from '../../db/event-types.repository';
import { EXAMPLE } from '../common/examples';
import { SCHEMA_EXAMPLE } from './dto/create-event-type.dto';

/** An entry of the event-type catalog. */
export class EventTypeView {
  @ApiProperty({ description: 'The event type.', example: EXAMPLE.eventType })
  name!: string;

  @ApiProperty({ description: 'What the event means; empty when not set.', example: 'An invoice was paid in full.' })
  description!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The JSON Schema its payloads must satisfy, as written; null for none.', example: SCHEMA_EXAMPLE })
  schema!: Record<string, unknown> | null;

  @ApiProperty({ description: 'Archived types take no new messages nor subscriptions.', example: false })
  archived!: boolean;

  @ApiProperty({ format: 'date-time', description: 'When it was created.', example: EXAMPLE.createdAt })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When it last changed.', example: EXAMPLE.updatedAt })
  updatedAt!: string;
}

/** A page of event types, by name. */
export class EventTypePage {
  @ApiProperty({ type: [EventTypeView], description: 'The event types of this page.' })
  items!: EventTypeView[];
}

/** Renders an event type. */
export function toEventTypeView(type: EventTypeRecord): EventTypeView {
  return {
    name: type.name,
    description: type.description,
    schema: type.schema,
    archived: type.archived,
    createdAt: type.createdAt.toISOString(),
    updatedAt: type.updatedAt.toISOString(),
  };
}
