import { Injectable, type PipeTransform } from '@nestjs/common';
import { ApplicationsRepository } from '../../db/applications.repository';
import { DEFAULT_APPLICATION } from '../../domain/applications';
import { DependencyUnavailableError, NotFoundError } from '../../domain/errors';

/**
 * Turns the `:app` of a path (an application's id or uid) into the id of that live application, or
 * answers 404 `application_not_found`. The default application needs no lookup: it cannot be deleted.
 */
@Injectable()
export class ApplicationPipe implements PipeTransform<string, Promise<string>> {
  constructor(private readonly applications: ApplicationsRepository) {}

  async transform(app: string): Promise<string> {
    if (app === DEFAULT_APPLICATION.uid || app === DEFAULT_APPLICATION.id) return DEFAULT_APPLICATION.id;
    const application = await this.applications.find(app).catch((error: unknown) => {
      throw new DependencyUnavailableError('postgres', error);
    });
    if (!application) throw new NotFoundError('application', app);
    return application.id;
  }
}
