import { Injectable } from '@nestjs/common';
import { EventTypesRepository, type EventTypeChanges, type EventTypeRecord } from '../../db/event-types.repository';
import { compilePayloadSchema } from '../../domain/event-types/payload-schema';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { CreateEventTypeDto } from './dto/create-event-type.dto';
import { EventCatalog } from './event-catalog';
import type { UpdateEventTypeDto } from './dto/update-event-type.dto';

/** Keeps the event-type catalog. */
@Injectable()
export class EventTypesService {
  constructor(
    private readonly types: EventTypesRepository,
    private readonly catalog: EventCatalog,
  ) {}

  /** Stores a new type; its schema must compile. */
  async create(dto: CreateEventTypeDto): Promise<EventTypeRecord> {
    if (dto.schema !== undefined) compilePayloadSchema(dto.schema);
    const created = await this.types.insert({ name: dto.name, description: dto.description ?? '', schema: dto.schema ?? null, archived: dto.archived ?? false });
    if (!created) throw new ConflictError('event_type_exists', `event type ${dto.name} exists`);
    this.catalog.forget(dto.name);
    return created;
  }

  /** Types by name, a page at a time. */
  list(limit: number, after: string | undefined, includeArchived: boolean): Promise<EventTypeRecord[]> {
    return this.types.list(limit, after, includeArchived);
  }

  /** The type, or NotFoundError. */
  async get(name: string): Promise<EventTypeRecord> {
    const type = await this.types.find(name);
    if (!type) throw new NotFoundError('event_type', name);
    return type;
  }

  /** Applies the given fields; a new schema must compile. */
  async update(name: string, dto: UpdateEventTypeDto): Promise<EventTypeRecord> {
    if (dto.schema !== undefined && dto.schema !== null) compilePayloadSchema(dto.schema);
    const changes: EventTypeChanges = {};
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.schema !== undefined) changes.schema = dto.schema;
    if (dto.archived !== undefined) changes.archived = dto.archived;
    const updated = await this.types.update(name, changes);
    this.catalog.forget(name);
    if (!updated) throw new NotFoundError('event_type', name);
    return updated;
  }
}
