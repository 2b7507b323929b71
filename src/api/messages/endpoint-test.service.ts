import { Injectable } from '@nestjs/common';
import { EndpointsRepository } from '../../db/endpoints.repository';
import type { AcceptedMessage } from '../../db/messages.repository';
import { ConflictError, DependencyUnavailableError, NotFoundError } from '../../domain/errors';
import { TEST_EVENT_TYPE, type SendTestEventDto } from './dto/send-test-event.dto';
import { MessagesService } from './messages.service';

/** Test events: a message of the application delivered to one endpoint only, like any other message. */
@Injectable()
export class EndpointTestService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly messages: MessagesService,
  ) {}

  /**
   * Publishes a message whose one delivery goes to the endpoint, signed and retried as usual.
   * @throws NotFoundError when the application has no such endpoint; ConflictError `endpoint_disabled`.
   */
  async send(applicationId: string, endpointId: string, dto: SendTestEventDto): Promise<AcceptedMessage> {
    const endpoint = await this.endpoints.findById(endpointId, { applicationId }).catch((error: unknown) => {
      throw new DependencyUnavailableError('postgres', error);
    });
    if (!endpoint) throw new NotFoundError('endpoint', endpointId);
    if (endpoint.disabled) {
      throw new ConflictError('endpoint_disabled', `endpoint ${endpointId} is disabled (${endpoint.disabledReason ?? 'manual'}); enable it with PATCH {"disabled": false} first`);
    }
    // A wildcard (`invoice.*`) names no type a message can have.
    const eventType = dto.eventType ?? endpoint.eventTypes?.find((type) => !type.endsWith('.*')) ?? TEST_EVENT_TYPE;
    const payload = dto.payload ?? { test: true, sentAt: new Date().toISOString() };
    return this.messages.publish(applicationId, { eventType, payload }, undefined, endpoint);
  }
}
