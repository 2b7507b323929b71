import { Inject, Injectable } from '@nestjs/common';
import type { HookwayConfig } from '../../config';
import { ActivityLogRepository, type DeliveryLogEntry, type LogPage } from '../../db/activity-log.repository';
import { DeliveriesRepository, type DeliveryStatus } from '../../db/deliveries.repository';
import { EndpointsRepository } from '../../db/endpoints.repository';
import { InvalidFieldError, NotFoundError } from '../../domain/errors';
import { CONFIG } from '../core/tokens';
import { toDeliveryView, type DeliveryView } from './delivery.view';

/** Reads deliveries with their attempts. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    @Inject(CONFIG) private readonly config: HookwayConfig,
    private readonly endpoints: EndpointsRepository,
    private readonly log: ActivityLogRepository,
  ) {}

  /** The delivery with every attempt, or NotFoundError. */
  async get(id: string): Promise<DeliveryView> {
    const delivery = await this.deliveries.findById(id);
    if (!delivery) throw new NotFoundError('delivery', id);
    const attempts = await this.deliveries.attemptsOf(id);
    const { uiUrl, namespace } = this.config.temporal;
    return toDeliveryView(delivery, attempts, `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(delivery.workflowId)}`);
  }

  /**
   * One page of the application's endpoint's deliveries, newest first, each with its last attempt.
   * @throws NotFoundError when the endpoint is not a live one of the application; InvalidFieldError naming
   * `after` when it is no delivery of the endpoint.
   */
  async listOfEndpoint(applicationId: string, endpointId: string, filter: LogPage & { status?: DeliveryStatus }): Promise<DeliveryLogEntry[]> {
    if (!(await this.endpoints.findById(endpointId, { applicationId }))) throw new NotFoundError('endpoint', endpointId);
    const items = await this.log.deliveries(applicationId, endpointId, filter);
    if (!items) throw new InvalidFieldError('after', `after must be the id of one of the endpoint's deliveries; ${filter.after ?? ''} is not`);
    return items;
  }
}
