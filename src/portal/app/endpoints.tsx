import { useState } from 'preact/hooks';
import { api, query, seg, type Page } from './api';
import { Charts } from './charts';
import { href, navigate } from './router';
import { TestEvent } from './test-event';
import { TryFilter } from './try-filter';
import type { DeliveryLogItem, Endpoint } from './types';
import { ActionButton, Loaded, Pager, Status, Time, useCursor, useLoad } from './ui';

const LIMIT = 20;
const base = (app: string): string => `/v1/applications/${seg(app)}/endpoints`;

/** Enabled, or why it is not. */
export function endpointState(e: Endpoint): string {
  if (!e.disabled) return 'Enabled';
  const why: Record<string, string> = { manual: 'by hand', gone: 'the receiver answered 410 Gone', failing: 'every delivery failed for too long' };
  return `Disabled (${why[e.disabledReason ?? ''] ?? e.disabledReason ?? 'no reason given'})`;
}

/** The application's endpoints, paged. */
export function EndpointList({ app }: { app: string }) {
  const cursor = useCursor(app);
  const [load] = useLoad(() => api<Page<Endpoint>>('GET', `${base(app)}${query({ limit: LIMIT, after: cursor.after })}`), [app, cursor.after]);
  return (
    <>
      <h2>Endpoints</h2>
      <p>
        <a class="button" href={href(app, 'endpoints', 'new')}>
          Add endpoint
        </a>
      </p>
      <Loaded load={load}>
        {(page) =>
          page.items.length === 0 && cursor.page === 1 ? (
            <p>No endpoints yet. Add one to start receiving webhooks.</p>
          ) : (
            <>
              <table>
                <caption>Endpoints of this application</caption>
                <thead>
                  <tr>
                    <th scope="col">URL</th>
                    <th scope="col">Description</th>
                    <th scope="col">Event types</th>
                    <th scope="col">State</th>
                    <th scope="col">Circuit</th>
                    <th scope="col">Failing since</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <a href={href(app, 'endpoints', e.id)}>{e.url}</a>
                      </td>
                      <td>{e.description || '—'}</td>
                      <td>{e.eventTypes?.join(', ') ?? 'All'}</td>
                      <td>{endpointState(e)}</td>
                      <td>{e.circuit.state === 'open' ? 'Open' : 'Closed'}</td>
                      <td>
                        <Time value={e.failingSince} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager items={page.items} limit={LIMIT} cursor={cursor} label="Endpoints" />
            </>
          )
        }
      </Loaded>
    </>
  );
}

/** One endpoint: its settings, secret, a test event, charts, deliveries. */
export function EndpointDetail(props: { app: string; id: string; temporalUi: boolean }) {
  const { app, id } = props;
  const [load, reload] = useLoad(() => api<Endpoint>('GET', `${base(app)}/${seg(id)}`), [app, id]);
  // Bumped when a test delivery settles, so the charts and the deliveries show it.
  const [version, setVersion] = useState(0);
  return (
    <Loaded load={load}>
      {(e) => (
        <>
          <h2>Endpoint {e.url}</h2>
          <p class="muted">{e.id}</p>
          <EndpointFacts endpoint={e} />
          <div class="toolbar">
            <a class="button" href={href(app, 'endpoints', id, 'edit')}>
              Edit endpoint
            </a>
            <ActionButton
              label={e.disabled ? 'Enable endpoint' : 'Disable endpoint'}
              action={() => api('PATCH', `${base(app)}/${seg(id)}`, { disabled: !e.disabled }).then(reload)}
            />
            <DeleteEndpoint app={app} id={id} />
          </div>
          <Secret app={app} id={id} />
          <TryFilter app={app} endpoint={e} />
          <TestEvent app={app} endpoint={e} temporalUi={props.temporalUi} onSettled={() => setVersion((n) => n + 1)} />
          <Charts app={app} id={id} version={version} />
          <EndpointDeliveries app={app} id={id} version={version} />
        </>
      )}
    </Loaded>
  );
}

function EndpointFacts({ endpoint: e }: { endpoint: Endpoint }) {
  const headers = Object.entries(e.headers);
  return (
    <dl class="facts">
      <dt>Description</dt>
      <dd>{e.description || '—'}</dd>
      <dt>State</dt>
      <dd>{endpointState(e)}</dd>
      <dt>Event types</dt>
      <dd>{e.eventTypes?.join(', ') ?? 'All event types'}</dd>
      <dt>Filter</dt>
      <dd>{e.filter ? <code class="mono">{e.filter}</code> : 'None'}</dd>
      <dt>Circuit</dt>
      <dd>
        {e.circuit.state === 'open' ? 'Open since ' : 'Closed'}
        {e.circuit.state === 'open' && <Time value={e.circuit.openedAt} />}
        {e.circuit.consecutiveFailures > 0 && ` (${e.circuit.consecutiveFailures} failures in a row)`}
      </dd>
      <dt>Failing since</dt>
      <dd>{e.failingSince ? <Time value={e.failingSince} /> : 'Healthy'}</dd>
      <dt>Rate</dt>
      <dd>
        {e.currentRate === null ? 'Unpaced' : `${e.currentRate} per second now`}
        {e.rateLimitPerSecond !== null && ` (limit ${e.rateLimitPerSecond} per second)`}
      </dd>
      <dt>Retry policy</dt>
      <dd>
        {e.retryPolicy.maxAttempts} attempts, first retry after {e.retryPolicy.initialIntervalMs} ms, ×{e.retryPolicy.backoffCoefficient}, at most{' '}
        {e.retryPolicy.maxIntervalMs} ms apart; timeout {e.timeoutMs} ms
      </dd>
      <dt>Custom headers</dt>
      <dd>{headers.length === 0 ? 'None' : headers.map(([name, value]) => <div key={name}>{`${name}: ${value}`}</div>)}</dd>
    </dl>
  );
}

function DeleteEndpoint({ app, id }: { app: string; id: string }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" class="danger" onClick={() => setAsking(true)}>
        Delete endpoint
      </button>
    );
  return (
    <span class="confirm" role="group" aria-label="Confirm deletion">
      Delete this endpoint? Its deliveries stay readable.{' '}
      <ActionButton label="Yes, delete" class="danger" action={() => api('DELETE', `${base(app)}/${seg(id)}`).then(() => navigate(href(app, 'endpoints')))} />
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

function Secret({ app, id }: { app: string; id: string }) {
  const [secret, setSecret] = useState<{ secret: string; previousSecretExpiresAt?: string | null } | undefined>();
  return (
    <section>
      <h3>Signing secret</h3>
      <div class="toolbar">
        <ActionButton label="Reveal secret" action={() => api<{ secret: string }>('GET', `${base(app)}/${seg(id)}/secret`).then(setSecret)} />
        <ActionButton
          label="Rotate secret"
          action={() => api<{ secret: string; previousSecretExpiresAt: string | null }>('POST', `${base(app)}/${seg(id)}/secret/rotate`).then(setSecret)}
        />
      </div>
      {secret && (
        <p>
          <label>
            Secret <input readOnly value={secret.secret} size={48} class="mono" />
          </label>
          {secret.previousSecretExpiresAt && (
            <span>
              {' '}
              The previous secret keeps signing until <Time value={secret.previousSecretExpiresAt} />.
            </span>
          )}
        </p>
      )}
    </section>
  );
}

const STATUSES = [
  ['', 'Any status'],
  ['pending', 'Pending'],
  ['succeeded', 'Delivered'],
  ['dead_lettered', 'Dead-lettered'],
];

/** An endpoint's deliveries, newest first, with their last attempt. */
function EndpointDeliveries({ app, id, version }: { app: string; id: string; version: number }) {
  const [status, setStatus] = useState('');
  const cursor = useCursor(`${app}/${id}/${status}`);
  const [load, reload] = useLoad(
    () => api<Page<DeliveryLogItem>>('GET', `${base(app)}/${seg(id)}/deliveries${query({ limit: LIMIT, after: cursor.after, status })}`),
    [app, id, status, cursor.after, version],
  );
  return (
    <section>
      <h3>Deliveries</h3>
      <div class="toolbar">
        <label>
          Status{' '}
          <select value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
            {STATUSES.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={reload}>
          Refresh deliveries
        </button>
        <ActionButton
          label="Retry all dead letters of this endpoint"
          action={() => api<{ count: number }>('POST', `${base(app)}/${seg(id)}/dead-letters/retry`).then(reload)}
        />
      </div>
      <Loaded load={load}>
        {(page) => (
          <>
            <table>
              <caption>Deliveries of this endpoint</caption>
              <thead>
                <tr>
                  <th scope="col">Delivery</th>
                  <th scope="col">Event type</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last status code</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {page.items.length === 0 && (
                  <tr>
                    <td colSpan={7}>No deliveries.</td>
                  </tr>
                )}
                {page.items.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <a href={href(app, 'deliveries', d.id)}>{d.id}</a>
                    </td>
                    <td>{d.eventType}</td>
                    <td>
                      <Status value={d.status} />
                    </td>
                    <td>{d.attempts}</td>
                    <td>{d.lastAttempt?.statusCode ?? '—'}</td>
                    <td>{d.lastAttempt?.error ?? '—'}</td>
                    <td>
                      <Time value={d.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager items={page.items} limit={LIMIT} cursor={cursor} label="Deliveries" />
          </>
        )}
      </Loaded>
    </section>
  );
}
