import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parsePage } from '../common/pagination';
import { CreateEndpointDto } from './dto/create-endpoint.dto';
import { UpdateEndpointDto } from './dto/update-endpoint.dto';
import { toEndpointView, type EndpointView } from './endpoint.view';
import { EndpointsService } from './endpoints.service';

/** `/v1/endpoints`: where messages are delivered. */
@ApiTags('endpoints')
@ApiBearerAuth()
@Controller('v1/endpoints')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Post()
  @ApiOperation({ summary: 'Register an endpoint; the answer carries its signing secret.' })
  async create(@Body() dto: CreateEndpointDto): Promise<EndpointView> {
    return toEndpointView(await this.endpoints.create(dto), true);
  }

  @Get()
  @ApiOperation({ summary: 'List endpoints, oldest first; pass the last id as `after` for the next page.' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'after', required: false })
  async list(@Query('limit') limit?: string, @Query('after') after?: string): Promise<{ items: EndpointView[] }> {
    const page = parsePage(limit, after);
    const items = await this.endpoints.list(page.limit, page.after);
    return { items: items.map((e) => toEndpointView(e)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint (without its secret).' })
  async get(@Param('id') id: string): Promise<EndpointView> {
    return toEndpointView(await this.endpoints.get(id));
  }

  @Get(':id/secret')
  @ApiOperation({ summary: "The endpoint's signing secret." })
  async secret(@Param('id') id: string): Promise<{ secret: string }> {
    return { secret: (await this.endpoints.get(id)).secret };
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the signing secret: the old one keeps signing beside the new one for HOOKWAY_SECRET_ROTATION_OVERLAP (24 h).' })
  async rotate(@Param('id') id: string): Promise<{ secret: string; previousSecretExpiresAt: string | null }> {
    const rotated = await this.endpoints.rotateSecret(id);
    return { secret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an endpoint; `disabled: false` re-enables it.' })
  async update(@Param('id') id: string, @Body() dto: UpdateEndpointDto): Promise<EndpointView> {
    return toEndpointView(await this.endpoints.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint; its deliveries stay inspectable.' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.endpoints.remove(id);
  }
}
