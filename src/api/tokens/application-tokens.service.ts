import { Injectable } from '@nestjs/common';
import { ApplicationTokensRepository } from '../../db/application-tokens.repository';
import { formatApplicationToken, hashTokenSecret, newTokenSecret } from '../../domain/application-tokens';
import { NotFoundError } from '../../domain/errors';
import { newId } from '../../domain/ids';
import type { PageQuery } from '../common/pagination';
import { toApplicationTokenView, type ApplicationTokenView, type CreatedApplicationTokenView } from './application-token.view';
import type { CreateApplicationTokenDto } from './dto/create-application-token.dto';

/** Issues, lists and revokes the tokens that open one application's routes. */
@Injectable()
export class ApplicationTokensService {
  constructor(private readonly tokens: ApplicationTokensRepository) {}

  /** A new token for the application; the answer is the only place its secret appears. */
  async create(applicationId: string, dto: CreateApplicationTokenDto): Promise<CreatedApplicationTokenView> {
    const id = newId('tok');
    const secret = newTokenSecret();
    const record = await this.tokens.insert({
      id,
      applicationId,
      name: dto.name ?? null,
      secretHash: hashTokenSecret(secret),
      expiresInSeconds: dto.expiresInSeconds ?? null,
    });
    return { ...toApplicationTokenView(record), token: formatApplicationToken({ id, secret }) };
  }

  /** The application's tokens that were not revoked. */
  async list(applicationId: string, page: PageQuery): Promise<ApplicationTokenView[]> {
    return (await this.tokens.list(applicationId, page.limit, page.after)).map(toApplicationTokenView);
  }

  /** Revokes a token of the application: its next request, on any API process, answers 401. */
  async revoke(applicationId: string, id: string): Promise<void> {
    if (!(await this.tokens.revoke(applicationId, id))) throw new NotFoundError('token', id);
  }
}
