import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApplicationPipe } from '../applications/application.pipe';
import { OperatorOnly } from '../auth/access.decorators';
import { EXAMPLE } from '../common/examples';
import { ApiApplicationScoped, ApiErrors, ApiIdParam, ApiPageQuery, ApiTokenRequired, APPLICATION_NOT_FOUND, BODY_ERRORS, ERRORS, notFound } from '../common/openapi';
import { parsePage } from '../common/pagination';
import { ApplicationTokenPage, CreatedApplicationTokenView } from './application-token.view';
import { ApplicationTokensService } from './application-tokens.service';
import { CreateApplicationTokenDto } from './dto/create-application-token.dto';

/** `/v1/applications/:app/tokens`: tokens that open this application's routes and nothing else. Operator only. */
@ApiTags('applications')
@ApiTokenRequired()
@ApiApplicationScoped()
@OperatorOnly()
@Controller('v1/applications/:app/tokens')
export class ApplicationTokensController {
  constructor(private readonly tokens: ApplicationTokensService) {}

  @Post()
  @ApiOperation({
    summary: "Create a token for this application's own routes; the answer is the only time the token is shown.",
    description:
      'The token works on `/v1/applications/{app}/...` of this application, on `GET /v1/applications/{app}`, and on `/v1/deliveries/{id}` and `/v1/dead-letters/{id}` of its own ' +
      'deliveries and dead letters. Other applications answer 404; operator routes answer 403. Only a SHA-256 hash of its secret is stored.',
  })
  @ApiCreatedResponse({ type: CreatedApplicationTokenView, description: 'The token, with its secret.' })
  @ApiErrors(...BODY_ERRORS)
  create(@Param('app', ApplicationPipe) applicationId: string, @Body() dto: CreateApplicationTokenDto): Promise<CreatedApplicationTokenView> {
    return this.tokens.create(applicationId, dto);
  }

  @Get()
  @ApiOperation({ summary: "The application's tokens that were not revoked, without their secrets, by id." })
  @ApiPageQuery(EXAMPLE.tokenId)
  @ApiOkResponse({ type: ApplicationTokenPage, description: 'One page of tokens.' })
  @ApiErrors(ERRORS.invalidQuery)
  async list(@Param('app', ApplicationPipe) applicationId: string, @Query('limit') limit?: string, @Query('after') after?: string): Promise<ApplicationTokenPage> {
    return { items: await this.tokens.list(applicationId, parsePage(limit, after)) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token: from now on it answers 401 on every API process.' })
  @ApiIdParam('The token id (`tok_...`).', EXAMPLE.tokenId)
  @ApiNoContentResponse({ description: 'Revoked.' })
  // A route-level 404 replaces the controller's: both codes are named here.
  @ApiErrors(APPLICATION_NOT_FOUND, notFound('token', EXAMPLE.tokenId))
  async revoke(@Param('app', ApplicationPipe) applicationId: string, @Param('id') id: string): Promise<void> {
    await this.tokens.revoke(applicationId, id);
  }
}
