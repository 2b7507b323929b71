import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { RetryPolicySettings } from '../../src/config';

/** What the bench reads from a 202 of `POST /v1/messages`. */
interface AcceptedBody {
  id: string;
  deliveries: { endpointId: string }[];
}

/**
 * Every delivery the API accepted, by receiver route, with the instant its 202 arrived, and every
 * refusal by status. The receiver's arrivals are checked against it: what is here and never arrived is
 * lost.
 */
export class Ledger {
  private readonly labels = new Map<string, string>();
  private readonly expected = new Map<string, Map<string, number>>();
  /** Non-202 answers (and network errors, as status 0) by status. */
  readonly rejected = new Map<number, number>();

  /** Declares that deliveries to `endpointId` arrive at route `label`. */
  register(endpointId: string, label: string): void {
    this.labels.set(endpointId, label);
  }

  /** Records a 202: one expected delivery per endpoint it names. */
  accept(body: AcceptedBody, at: number): void {
    for (const { endpointId } of body.deliveries) {
      const label = this.labels.get(endpointId) ?? `unknown:${endpointId}`;
      let ids = this.expected.get(label);
      if (!ids) this.expected.set(label, (ids = new Map()));
      ids.set(body.id, at);
    }
  }

  /** Records a refusal. */
  reject(status: number): void {
    this.rejected.set(status, (this.rejected.get(status) ?? 0) + 1);
  }

  /** The endpoint whose deliveries arrive at route `label`. */
  endpointOf(label: string): string | undefined {
    for (const [endpointId, route] of this.labels) if (route === label) return endpointId;
    return undefined;
  }

  /** Accepted deliveries to `label`: message id to the `performance.now()` of its 202. */
  acceptedFor(label: string): Map<string, number> {
    return this.expected.get(label) ?? new Map();
  }

  /** Every route with accepted deliveries. */
  routes(): string[] {
    return [...this.expected.keys()];
  }
}

/** Parameters of `POST /v1/endpoints` the bench uses. */
export interface EndpointSpec {
  url: string;
  /** The one event type it subscribes to; omitted, every event type. */
  eventType?: string;
  retryPolicy?: Partial<RetryPolicySettings>;
  /** The application it belongs to; omitted, the default one. */
  application?: string;
  /** A CEL filter; omitted, none. */
  filter?: string;
}

/** A retry schedule for healthy receivers: nothing should fail, and a rare failure retries within a second. */
export const QUICK_RETRIES: RetryPolicySettings = { maxAttempts: 10, initialIntervalMs: 1000, backoffCoefficient: 1, maxIntervalMs: 1000 };

/** Hookway's API as the bench drives it: a keep-alive pool with the bearer token on every call. */
export class HookwayApi {
  private readonly pool: Pool;
  // Large enough to be realistic, small enough not to make the bench process the bottleneck.
  private readonly pad = 'x'.repeat(200);

  constructor(
    baseUrl: string,
    private readonly token: string,
    private readonly ledger: Ledger,
    connections = 128,
  ) {
    this.pool = new Pool(baseUrl, { connections, keepAliveTimeout: 30_000 });
  }

  private async call(method: 'POST', path: string, body: unknown): Promise<{ status: number; text: string }> {
    const response = await this.pool.request({
      method,
      path,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.statusCode, text: await response.body.text() };
  }

  /** Creates an application (a tenant). @returns its id. */
  async createApplication(name: string): Promise<string> {
    const { status, text } = await this.call('POST', '/v1/applications', { name });
    if (status !== 201) throw new Error(`POST /v1/applications answered ${status}: ${text}`);
    return (JSON.parse(text) as { id: string }).id;
  }

  /** Registers an endpoint whose deliveries the ledger expects at route `label`. @returns its id. */
  async createEndpoint(label: string, spec: EndpointSpec): Promise<string> {
    const { status, text } = await this.call('POST', spec.application === undefined ? '/v1/endpoints' : `/v1/applications/${spec.application}/endpoints`, {
      url: spec.url,
      eventTypes: spec.eventType === undefined ? undefined : [spec.eventType],
      description: `bench ${label}`,
      retryPolicy: spec.retryPolicy ?? QUICK_RETRIES,
      filter: spec.filter,
    });
    if (status !== 201) throw new Error(`POST endpoint answered ${status}: ${text}`);
    const { id } = JSON.parse(text) as { id: string };
    this.ledger.register(id, label);
    return id;
  }

  /**
   * Posts one message with the bench's own id (it becomes the `webhook-id` the receiver sees), to the
   * default application or `application`.
   * @returns true on 202, which the ledger records with the instant the answer arrived.
   */
  async send(id: string, eventType: string, application?: string): Promise<boolean> {
    try {
      const { status, text } = await this.call('POST', application === undefined ? '/v1/messages' : `/v1/applications/${application}/messages`, { id, eventType, payload: { id, pad: this.pad } });
      const at = performance.now();
      if (status !== 202) {
        this.ledger.reject(status);
        return false;
      }
      this.ledger.accept(JSON.parse(text) as AcceptedBody, at);
      return true;
    } catch {
      this.ledger.reject(0);
      return false;
    }
  }

  /**
   * Posts `ids` as one batch (`POST /v1/messages/batch`) to the default application; each 202 item is
   * recorded in the ledger with the instant the 207 arrived.
   * @returns how many were accepted.
   */
  async sendBatch(ids: string[], eventType: string): Promise<number> {
    try {
      const { status, text } = await this.call('POST', '/v1/messages/batch', { messages: ids.map((id) => ({ id, eventType, payload: { id, pad: this.pad } })) });
      const at = performance.now();
      if (status !== 207) {
        this.ledger.reject(status);
        return 0;
      }
      let accepted = 0;
      for (const item of (JSON.parse(text) as { items: { status: number; message?: AcceptedBody }[] }).items) {
        if (item.status === 202 && item.message) {
          this.ledger.accept(item.message, at);
          accepted += 1;
        } else {
          this.ledger.reject(item.status);
        }
      }
      return accepted;
    } catch {
      this.ledger.reject(0);
      return 0;
    }
  }

  /** Closes the pool. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
