import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AnyToken } from '../auth/access.decorators';
import { principalOf } from '../auth/principal';
import { ApiTokenRequired } from '../common/openapi';
import { PortalSessionView } from './portal.view';
import { PortalService } from './portal.service';

/** `/v1/portal/session`: what the portal page learns about the token it holds. */
@ApiTags('portal')
@ApiTokenRequired()
@AnyToken()
@Controller('v1/portal/session')
export class PortalSessionController {
  constructor(private readonly portal: PortalService) {}

  @Get()
  @ApiOperation({
    summary: 'Who the bearer token is: the operator, or one application (and until when).',
    description:
      'Any token may ask, about itself only. The portal uses it to choose between the operator console (every application, with links to the Temporal Web UI) ' +
      "and one application's pages. An expired application token answers `401 token_expired`.",
  })
  @ApiOkResponse({ type: PortalSessionView, description: 'The bearer.' })
  session(@Req() req: Request): PortalSessionView {
    // The guard let the request through, so it carries a token; an open API's callers are the operator.
    return this.portal.session(principalOf(req) ?? { kind: 'operator' });
  }
}
