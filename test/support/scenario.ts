import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { ApplicationView } from '../../src/api/applications/application.view';
import type { DeliveryView } from '../../src/api/deliveries/deliveries.controller';
import type { EndpointView } from '../../src/api/endpoints/endpoint.view';
import type { MessageView } from '../../src/api/messages/message.view';
import { eventually } from './eventually';
import type { Receivers } from './receiver';
import { startTestHookway, type TestHookway } from './test-hookway';

/** Retry schedules fast enough for tests: 100 ms between attempts. */
export function fastRetries(maxAttempts: number): Record<string, number> {
  return { maxAttempts, initialIntervalMs: 100, backoffCoefficient: 1, maxIntervalMs: 100 };
}

/** The steps most tests repeat, against one running Hookway. */
export class Scenario {
  constructor(private readonly hookway: TestHookway) {}

  /** Registers an endpoint and returns it (secret included). */
  async endpoint(body: Record<string, unknown>): Promise<EndpointView> {
    const response = await this.hookway.api<EndpointView>('POST', '/v1/endpoints', body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  }

  /** Posts a message and returns the accepted message. */
  async send(eventType: string, payload: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<MessageView> {
    const response = await this.hookway.api<MessageView>('POST', '/v1/messages', { eventType, payload, ...extra });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return response.body;
  }

  /** Creates an application and returns it. */
  async application(body: Record<string, unknown>): Promise<ApplicationView> {
    const response = await this.hookway.api<ApplicationView>('POST', '/v1/applications', body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  }

  /** Registers an endpoint of application `app` (id or uid) and returns it (secret included). */
  async endpointOf(app: string, body: Record<string, unknown>): Promise<EndpointView> {
    const response = await this.hookway.api<EndpointView>('POST', `/v1/applications/${app}/endpoints`, body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  }

  /** Posts a message to application `app` and returns the accepted message. */
  async sendTo(app: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<MessageView> {
    const response = await this.hookway.api<MessageView>('POST', `/v1/applications/${app}/messages`, body, headers);
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return response.body;
  }

  /** The delivery, as the API shows it. */
  async delivery(id: string): Promise<DeliveryView> {
    const response = await this.hookway.api<DeliveryView>('GET', `/v1/deliveries/${id}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  }

  /** Waits until the message's only delivery reaches `status`, and returns it. */
  async settled(message: MessageView, status: DeliveryView['status'], timeoutMs = 30_000): Promise<DeliveryView> {
    return eventually(() => this.delivery(message.deliveries[0].id), (d) => d.status === status, timeoutMs);
  }
}

/**
 * Starts a Hookway (with `env`) before the tests of the describe block it is called in, hands it and its
 * Scenario to `take`, and after the tests stops it, drops its database and closes `receivers`.
 */
export function startedForSuite(receivers: Receivers, take: (started: { hookway: TestHookway; scenario: Scenario }) => void, env: Record<string, string> = {}): void {
  let hookway: TestHookway | undefined;
  before(async () => {
    hookway = await startTestHookway(env);
    take({ hookway, scenario: new Scenario(hookway) });
  });
  after(async () => {
    await hookway?.stop();
    await hookway?.dropDatabase();
    await receivers.closeAll();
  });
}
