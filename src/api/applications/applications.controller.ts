import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/access.decorators';
import { EXAMPLE } from '../common/examples';
import { ApiErrors, ApiIdParam, ApiPageQuery, ApiTokenRequired, BODY_ERRORS, ERRORS, notFound, type ErrorAnswer } from '../common/openapi';
import { parsePage } from '../common/pagination';
import { ApplicationPage, ApplicationView, toApplicationView } from './application.view';
import { ApplicationsService } from './applications.service';
import { CreateApplicationDto } from './dto/create-application.dto';
import { UpdateApplicationDto } from './dto/update-application.dto';

const APP = 'The application: its id (`app_...`) or its uid.';

const EXISTS: ErrorAnswer = {
  status: 409,
  description: '`application_exists`: a live application has this uid.',
  example: { code: 'application_exists', message: `an application with uid ${EXAMPLE.applicationUid} exists` },
};

const DEFAULT_KEPT: ErrorAnswer = {
  status: 409,
  description: '`default_application`: the default application (uid `default`) cannot be deleted or given another uid.',
  example: { code: 'default_application', message: 'the default application cannot be deleted: the routes without an application use it' },
};

/** `/v1/applications`: the customers a platform sends webhooks to, each with its own endpoints and messages. */
@ApiTags('applications')
@ApiTokenRequired()
@Controller('v1/applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @OperatorOnly()
  @ApiOperation({
    summary: 'Create an application: one customer, whose endpoints get only its own messages.',
    description: 'Its endpoints are registered, and its messages sent, under `/v1/applications/{app}/...`, where `{app}` is its id or uid.',
  })
  @ApiCreatedResponse({ type: ApplicationView, description: 'The application.' })
  @ApiErrors(...BODY_ERRORS, EXISTS)
  async create(@Body() dto: CreateApplicationDto): Promise<ApplicationView> {
    return toApplicationView(await this.applications.create(dto));
  }

  @Get()
  @OperatorOnly()
  @ApiOperation({ summary: 'List applications by id (generated ids sort oldest first); pass the last id as `after` for the next page.' })
  @ApiPageQuery(EXAMPLE.applicationId)
  @ApiOkResponse({ type: ApplicationPage, description: 'One page of applications.' })
  @ApiErrors(ERRORS.invalidQuery)
  async list(@Query('limit') limit?: string, @Query('after') after?: string): Promise<ApplicationPage> {
    const page = parsePage(limit, after);
    return { items: (await this.applications.list(page.limit, page.after)).map(toApplicationView) };
  }

  @Get(':app')
  @ApiOperation({ summary: 'One application, by id or uid; an application token reads its own.' })
  @ApiIdParam(APP, EXAMPLE.applicationUid, 'app')
  @ApiOkResponse({ type: ApplicationView, description: 'The application.' })
  @ApiErrors(notFound('application', EXAMPLE.applicationUid))
  async get(@Param('app') app: string): Promise<ApplicationView> {
    return toApplicationView(await this.applications.get(app));
  }

  @Patch(':app')
  @OperatorOnly()
  @ApiOperation({ summary: 'Change an application; absent fields stay as they are, `metadata` is replaced whole.' })
  @ApiIdParam(APP, EXAMPLE.applicationUid, 'app')
  @ApiOkResponse({ type: ApplicationView, description: 'The application as it now is.' })
  @ApiErrors(...BODY_ERRORS, notFound('application', EXAMPLE.applicationUid), EXISTS, DEFAULT_KEPT)
  async update(@Param('app') app: string, @Body() dto: UpdateApplicationDto): Promise<ApplicationView> {
    return toApplicationView(await this.applications.update(app, dto));
  }

  @Delete(':app')
  @OperatorOnly()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an application with its endpoints; its messages and deliveries stay inspectable by id.',
    description:
      'Its endpoints are deleted with it: the next attempt of their open deliveries fails with reason `endpoint_deleted`, as when an endpoint is deleted. ' +
      'Its uid may then be given to a new application.',
  })
  @ApiIdParam(APP, EXAMPLE.applicationUid, 'app')
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrors(notFound('application', EXAMPLE.applicationUid), DEFAULT_KEPT)
  async remove(@Param('app') app: string): Promise<void> {
    await this.applications.remove(app);
  }
}
