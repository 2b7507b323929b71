import { Inject, Injectable } from '@nestjs/common';
import type { HookwayConfig } from '../../config';
import type { Principal } from '../auth/principal';
import { CONFIG } from '../core/tokens';
import { ApplicationTokensService } from '../tokens/application-tokens.service';
import { DEFAULT_PORTAL_LINK_SECONDS, type CreatePortalLinkDto } from './dto/create-portal-link.dto';
import type { PortalLinkView, PortalSessionView } from './portal.view';
import { boundApiUrl, portalLink } from './public-url';

/** Magic links to an application's portal, and what the portal learns about its own token. */
@Injectable()
export class PortalService {
  constructor(
    private readonly tokens: ApplicationTokensService,
    @Inject(CONFIG) private readonly config: HookwayConfig,
  ) {}

  /**
   * A new application token named `portal` and the link that carries it. `listeningPort` is the port the
   * request came in on, the API's own, used only when HOOKWAY_PUBLIC_URL is unset.
   */
  async createLink(applicationId: string, dto: CreatePortalLinkDto, listeningPort: number): Promise<PortalLinkView> {
    const created = await this.tokens.create(applicationId, { name: 'portal', expiresInSeconds: dto.expiresInSeconds ?? DEFAULT_PORTAL_LINK_SECONDS });
    const publicUrl = this.config.api.publicUrl ?? boundApiUrl(this.config.api.host, listeningPort);
    return { url: portalLink(publicUrl, created.token), expiresAt: created.expiresAt ?? '', tokenId: created.id };
  }

  /** Who the bearer is: the operator (with the Temporal UI to link to) or one application until its token expires. */
  session(principal: Principal): PortalSessionView {
    if (principal.kind === 'operator') return { kind: 'operator', applicationId: null, temporalUiUrl: this.config.temporal.uiUrl, expiresAt: null };
    return { kind: 'application', applicationId: principal.applicationId, temporalUiUrl: null, expiresAt: principal.expiresAt?.toISOString() ?? null };
  }
}
