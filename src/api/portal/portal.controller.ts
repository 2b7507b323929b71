import { Body, Controller, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApplicationPipe } from '../applications/application.pipe';
import { OperatorOnly } from '../auth/access.decorators';
import { ApiApplicationScoped, ApiErrors, ApiTokenRequired, BODY_ERRORS } from '../common/openapi';
import { CreatePortalLinkDto } from './dto/create-portal-link.dto';
import { PortalLinkView } from './portal.view';
import { PortalService } from './portal.service';

/** `/v1/applications/:app/portal`: magic links to an application's portal. Operator only. */
@ApiTags('portal')
@ApiTokenRequired()
@ApiApplicationScoped()
@OperatorOnly()
@Controller('v1/applications/:app/portal')
export class PortalController {
  constructor(private readonly portal: PortalService) {}

  @Post()
  @ApiOperation({
    summary: "A magic link to the application's portal, carrying a new short-lived application token in its fragment.",
    description:
      'Creates an application token named `portal` that expires after `expiresInSeconds` (one hour by default) and answers `{HOOKWAY_PUBLIC_URL}/portal/#token=<token>`. ' +
      'The token is in the fragment, never the query, so it stays out of logs and referrers. Revoke the link early with `DELETE /v1/applications/{app}/tokens/{tokenId}`.',
  })
  @ApiCreatedResponse({ type: PortalLinkView, description: 'The link, when it expires, and its token id.' })
  @ApiErrors(...BODY_ERRORS)
  create(@Param('app', ApplicationPipe) applicationId: string, @Body() dto: CreatePortalLinkDto, @Req() req: Request): Promise<PortalLinkView> {
    return this.portal.createLink(applicationId, dto, req.socket.localPort ?? 0);
  }
}
