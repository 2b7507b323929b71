import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EXAMPLE } from '../common/examples';
import { ApplicationPipe } from '../applications/application.pipe';
import { ApiApplicationScoped, ApiErrors, ApiIdParam, ApiPageQuery, ApiTokenRequired, BODY_ERRORS, ERRORS, notFound } from '../common/openapi';
import { parsePage } from '../common/pagination';
import { CreateEndpointDto } from './dto/create-endpoint.dto';
import { UpdateEndpointDto } from './dto/update-endpoint.dto';
import { EndpointSecretView, RotatedSecretView } from './endpoint-secret.view';
import { ARCHIVED_SUBSCRIPTION } from '../event-types/catalog-errors';
import { CreatedEndpointView, EndpointPage, EndpointView, toCreatedEndpointView, toEndpointView } from './endpoint.view';
import { EndpointsService } from './endpoints.service';

const ENDPOINT_ID = 'The endpoint id.';

/** `/v1/applications/:app/endpoints`: where an application's messages are delivered. */
@ApiTags('endpoints')
@ApiTokenRequired()
@ApiApplicationScoped()
@Controller('v1/applications/:app/endpoints')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Post()
  @ApiOperation({
    summary: 'Register an endpoint; the answer carries its signing secret.',
    description:
      'Fields left out take the server defaults, which are copied into the endpoint: changing HOOKWAY_RETRY_* later does not change it. ' +
      'The URL must pass the SSRF policy (a loopback, private or reserved destination is refused with 400 naming `url`).',
  })
  @ApiCreatedResponse({ type: CreatedEndpointView, description: 'The endpoint, with `secret` (shown here and by the secret route only).' })
  @ApiErrors(...BODY_ERRORS, ARCHIVED_SUBSCRIPTION)
  async create(@Param('app', ApplicationPipe) applicationId: string, @Body() dto: CreateEndpointDto): Promise<CreatedEndpointView> {
    return toCreatedEndpointView(await this.endpoints.create(applicationId, dto));
  }

  @Get()
  @ApiOperation({ summary: 'List endpoints, oldest first; pass the last id as `after` for the next page.' })
  @ApiPageQuery(EXAMPLE.endpointId)
  @ApiOkResponse({ type: EndpointPage, description: 'One page of endpoints, without their secrets.' })
  @ApiErrors(ERRORS.invalidQuery)
  async list(@Param('app', ApplicationPipe) applicationId: string, @Query('limit') limit?: string, @Query('after') after?: string): Promise<EndpointPage> {
    const page = parsePage(limit, after);
    const items = await this.endpoints.list(applicationId, page.limit, page.after);
    return { items: items.map((e) => toEndpointView(e)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint (without its secret).' })
  @ApiIdParam(ENDPOINT_ID, EXAMPLE.endpointId)
  @ApiOkResponse({ type: EndpointView, description: 'The endpoint.' })
  @ApiErrors(notFound('endpoint', EXAMPLE.endpointId))
  async get(@Param('app', ApplicationPipe) applicationId: string, @Param('id') id: string): Promise<EndpointView> {
    return toEndpointView(await this.endpoints.get(applicationId, id));
  }

  @Get(':id/secret')
  @ApiOperation({ summary: "The endpoint's signing secret." })
  @ApiIdParam(ENDPOINT_ID, EXAMPLE.endpointId)
  @ApiOkResponse({ type: EndpointSecretView, description: 'The current secret.' })
  @ApiErrors(notFound('endpoint', EXAMPLE.endpointId))
  async secret(@Param('app', ApplicationPipe) applicationId: string, @Param('id') id: string): Promise<EndpointSecretView> {
    return { secret: (await this.endpoints.get(applicationId, id)).secret };
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the signing secret: the old one keeps signing beside the new one for HOOKWAY_SECRET_ROTATION_OVERLAP (24 h).',
    description: 'Every attempt during the overlap carries both signatures, so receivers can switch secrets without refusing a delivery.',
  })
  @ApiIdParam(ENDPOINT_ID, EXAMPLE.endpointId)
  @ApiOkResponse({ type: RotatedSecretView, description: 'The new secret and when the previous one stops signing.' })
  @ApiErrors(notFound('endpoint', EXAMPLE.endpointId))
  async rotate(@Param('app', ApplicationPipe) applicationId: string, @Param('id') id: string): Promise<RotatedSecretView> {
    const rotated = await this.endpoints.rotateSecret(applicationId, id);
    return { secret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null };
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change an endpoint; `disabled: false` re-enables it.',
    description:
      'Absent fields stay as they are; a partial `retryPolicy` changes only the fields it names. `url`, `secret`, `headers` and ' +
      '`rateLimitPerSecond` apply from the next attempt of deliveries under way; `retryPolicy` and `timeoutMs` are fixed per delivery when it ' +
      'starts (or its dead letter is retried).',
  })
  @ApiIdParam(ENDPOINT_ID, EXAMPLE.endpointId)
  @ApiOkResponse({ type: EndpointView, description: 'The endpoint as it now is.' })
  @ApiErrors(...BODY_ERRORS, ARCHIVED_SUBSCRIPTION, notFound('endpoint', EXAMPLE.endpointId))
  async update(@Param('app', ApplicationPipe) applicationId: string, @Param('id') id: string, @Body() dto: UpdateEndpointDto): Promise<EndpointView> {
    return toEndpointView(await this.endpoints.update(applicationId, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an endpoint; its deliveries stay inspectable.',
    description: 'The next attempt of its open deliveries fails with reason `endpoint_deleted`, which dead-letters them; such dead letters can only be discarded.',
  })
  @ApiIdParam(ENDPOINT_ID, EXAMPLE.endpointId)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrors(notFound('endpoint', EXAMPLE.endpointId))
  async remove(@Param('app', ApplicationPipe) applicationId: string, @Param('id') id: string): Promise<void> {
    await this.endpoints.remove(applicationId, id);
  }
}
