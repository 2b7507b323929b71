import { Inject, Injectable } from '@nestjs/common';
import type { HookwayConfig } from '../../config';
import { DeliveriesRepository } from '../../db/deliveries.repository';
import { NotFoundError } from '../../domain/errors';
import { CONFIG } from '../core/tokens';
import { toDeliveryView, type DeliveryView } from './delivery.view';

/** Reads deliveries with their attempts. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    @Inject(CONFIG) private readonly config: HookwayConfig,
  ) {}

  /** The delivery with every attempt, or NotFoundError. */
  async get(id: string): Promise<DeliveryView> {
    const delivery = await this.deliveries.findById(id);
    if (!delivery) throw new NotFoundError('delivery', id);
    const attempts = await this.deliveries.attemptsOf(id);
    const { uiUrl, namespace } = this.config.temporal;
    return toDeliveryView(delivery, attempts, `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(delivery.workflowId)}`);
  }
}
