import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidFieldError } from '../../domain/errors';
import { OpenToApplications, OperatorOnly } from '../auth/access.decorators';
import { EXAMPLE } from '../common/examples';
import { ApiErrors, ApiIdParam, ApiPageQuery, ApiTokenRequired, ERRORS, notFound, type ErrorAnswer } from '../common/openapi';
import { parsePage } from '../common/pagination';
import { CreateEventTypeDto } from './dto/create-event-type.dto';
import { UpdateEventTypeDto } from './dto/update-event-type.dto';
import { EventTypePage, EventTypeView, toEventTypeView } from './event-type.view';
import { EventTypesService } from './event-types.service';

const NAME = 'The event type.';

const EXISTS: ErrorAnswer = {
  status: 409,
  description: '`event_type_exists`: the catalog has a type with this name.',
  example: { code: 'event_type_exists', message: `event type ${EXAMPLE.eventType} exists` },
};

const BAD_SCHEMA: ErrorAnswer = {
  status: 400,
  description: '`invalid_field`: a field is malformed, or `field: schema` when the schema does not compile (ajv\'s reason), is over 64 KiB, or refers outside itself.',
  example: { code: 'invalid_field', message: 'schema does not compile: strict mode: unknown keyword: "typ"', field: 'schema' },
};

function parseIncludeArchived(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new InvalidFieldError('includeArchived', 'includeArchived must be true or false');
}

/** `/v1/event-types`: the catalog of event types, their meaning and payload schemas, for the whole installation. */
@ApiTags('event types')
@ApiTokenRequired()
@Controller('v1/event-types')
export class EventTypesController {
  constructor(private readonly types: EventTypesService) {}

  @Post()
  @OperatorOnly()
  @ApiOperation({
    summary: 'Add an event type to the catalog, optionally with the JSON Schema its payloads must satisfy.',
    description: 'Messages of a type with a schema are validated before anything is stored: `400 invalid_payload` names where the payload fails.',
  })
  @ApiCreatedResponse({ type: EventTypeView, description: 'The event type.' })
  @ApiErrors(BAD_SCHEMA, ERRORS.payloadTooLarge, ERRORS.unsupportedEncoding, EXISTS)
  async create(@Body() dto: CreateEventTypeDto): Promise<EventTypeView> {
    return toEventTypeView(await this.types.create(dto));
  }

  @Get()
  @OpenToApplications()
  @ApiOperation({ summary: 'List event types by name; pass the last name as `after` for the next page. Application tokens may read the catalog.' })
  @ApiQuery({ name: 'includeArchived', required: false, schema: { type: 'boolean', default: false, example: false }, description: 'Also list archived types.' })
  @ApiPageQuery(EXAMPLE.eventType)
  @ApiOkResponse({ type: EventTypePage, description: 'One page of event types.' })
  @ApiErrors(ERRORS.invalidQuery)
  async list(@Query('limit') limit?: string, @Query('after') after?: string, @Query('includeArchived') includeArchived?: string): Promise<EventTypePage> {
    const page = parsePage(limit, after);
    return { items: (await this.types.list(page.limit, page.after, parseIncludeArchived(includeArchived))).map(toEventTypeView) };
  }

  @Get(':name')
  @OpenToApplications()
  @ApiOperation({ summary: 'One event type with its schema. Application tokens may read the catalog.' })
  @ApiIdParam(NAME, EXAMPLE.eventType, 'name')
  @ApiOkResponse({ type: EventTypeView, description: 'The event type.' })
  @ApiErrors(notFound('event_type', EXAMPLE.eventType))
  async get(@Param('name') name: string): Promise<EventTypeView> {
    return toEventTypeView(await this.types.get(name));
  }

  @Patch(':name')
  @OperatorOnly()
  @ApiOperation({
    summary: 'Change an event type: description, schema (null removes it) or archived; absent fields stay as they are.',
    description: 'A new schema applies to messages accepted from then on, on every API process. Archiving refuses new messages and subscriptions of the type; deliveries already made finish.',
  })
  @ApiIdParam(NAME, EXAMPLE.eventType, 'name')
  @ApiOkResponse({ type: EventTypeView, description: 'The event type as it now is.' })
  @ApiErrors(BAD_SCHEMA, ERRORS.payloadTooLarge, ERRORS.unsupportedEncoding, notFound('event_type', EXAMPLE.eventType))
  async update(@Param('name') name: string, @Body() dto: UpdateEventTypeDto): Promise<EventTypeView> {
    return toEventTypeView(await this.types.update(name, dto));
  }
}
