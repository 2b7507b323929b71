import { Injectable } from '@nestjs/common';
import { ApplicationsRepository, DuplicateUidError, type ApplicationChanges, type ApplicationRecord } from '../../db/applications.repository';
import { ThrottlesRepository } from '../../db/throttles.repository';
import { DEFAULT_APPLICATION } from '../../domain/applications';
import { ConflictError, NotFoundError } from '../../domain/errors';
import { newId } from '../../domain/ids';
import type { CreateApplicationDto } from './dto/create-application.dto';
import type { UpdateApplicationDto } from './dto/update-application.dto';

function taken(error: unknown): never {
  if (error instanceof DuplicateUidError) throw new ConflictError('application_exists', `an application with uid ${error.uid} exists`);
  throw error;
}

/** Creates, changes and removes applications, and finds the one a path names. */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly throttles: ThrottlesRepository,
  ) {}

  /** Stores a new application; its uid defaults to its id. */
  async create(dto: CreateApplicationDto): Promise<ApplicationRecord> {
    const id = newId('app');
    return this.applications
      .insert({ id, uid: dto.uid ?? id, name: dto.name, metadata: dto.metadata ?? {}, rateLimitPerSecond: dto.rateLimitPerSecond ?? null })
      .catch(taken);
  }

  /** Live applications, a page at a time. */
  list(limit: number, after?: string): Promise<ApplicationRecord[]> {
    return this.applications.list(limit, after);
  }

  /** The live application whose id or uid is `app`, or NotFoundError. */
  async get(app: string): Promise<ApplicationRecord> {
    const application = await this.applications.find(app);
    if (!application) throw new NotFoundError('application', app);
    return application;
  }

  /** Applies the given fields. */
  async update(app: string, dto: UpdateApplicationDto): Promise<ApplicationRecord> {
    const { id } = await this.get(app);
    const changes: ApplicationChanges = {};
    if (dto.uid !== undefined) changes.uid = dto.uid;
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.metadata !== undefined) changes.metadata = dto.metadata;
    if (dto.rateLimitPerSecond !== undefined) changes.rateLimitPerSecond = dto.rateLimitPerSecond;
    if (id === DEFAULT_APPLICATION.id && changes.uid !== undefined && changes.uid !== DEFAULT_APPLICATION.uid) {
      throw new ConflictError('default_application', `the default application keeps uid ${DEFAULT_APPLICATION.uid}: the routes without an application name it`);
    }
    const updated = await this.applications.update(id, changes).catch(taken);
    if (!updated) throw new NotFoundError('application', app);
    // A new limit applies from the next attempt, not after slots reserved at the old pace.
    if (changes.rateLimitPerSecond !== undefined) await this.throttles.resetApplication(id);
    return updated;
  }

  /** Deletes the application with its endpoints; their deliveries stop as a deleted endpoint's do. */
  async remove(app: string): Promise<void> {
    const { id } = await this.get(app);
    if (id === DEFAULT_APPLICATION.id) {
      throw new ConflictError('default_application', 'the default application cannot be deleted: the routes without an application use it');
    }
    if (!(await this.applications.softDelete(id))) throw new NotFoundError('application', app);
  }
}
