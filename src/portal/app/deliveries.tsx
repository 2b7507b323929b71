import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, seg } from './api';
import { href } from './router';
import type { Attempt, Delivery } from './types';
import { ErrorNotice, Loaded, Progress, Status, Time, asApiError, type Load } from './ui';

/** Every attempt of a delivery: when, how long, what the receiver answered, and why it failed. */
export function AttemptsTable({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return <p>No attempt yet.</p>;
  return (
    <table>
      <caption>Attempts</caption>
      <thead>
        <tr>
          <th scope="col">Attempt</th>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
          <th scope="col">Status code</th>
          <th scope="col">Error</th>
          <th scope="col">Response body</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => (
          <tr key={`${a.attempt}-${a.startedAt}`}>
            <td>{a.attempt}</td>
            <td>
              <Time value={a.startedAt} />
            </td>
            <td>{a.durationMs} ms</td>
            <td>{a.statusCode ?? '—'}</td>
            <td>{a.error ?? '—'}</td>
            <td>{a.responseBody ? <pre class="body">{a.responseBody}</pre> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Polls a delivery every `intervalMs` while it is pending, so a page shows it arrive. */
export function useDeliveryWatch(id: string, intervalMs = 700): Load<Delivery> {
  const [load, setLoad] = useState<Load<Delivery>>({ state: 'loading' });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      api<Delivery>('GET', `/v1/deliveries/${seg(id)}`).then(
        (delivery) => {
          if (stopped) return;
          setLoad({ state: 'done', value: delivery });
          if (delivery.status === 'pending') timer = setTimeout(poll, intervalMs);
        },
        (error: unknown) => !stopped && setLoad({ state: 'failed', error: asApiError(error) }),
      );
    };
    setLoad({ state: 'loading' });
    poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [id, intervalMs]);
  return load;
}

/** A delivery and its attempts; while pending it refreshes itself. */
export function DeliveryPanel(props: { delivery: Delivery; app: string; temporalUi: boolean }) {
  const d = props.delivery;
  return (
    <section aria-label={`Delivery ${d.id}`}>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Status value={d.status} />
          {d.status === 'pending' && <Progress>{d.parkedAt ? 'Waiting for the endpoint’s circuit to close…' : 'Delivering…'}</Progress>}
        </dd>
        <dt>Delivery</dt>
        <dd>
          <a href={href(props.app, 'deliveries', d.id)}>{d.id}</a>
        </dd>
        <dt>Endpoint</dt>
        <dd>
          <a href={href(props.app, 'endpoints', d.endpointId)}>{d.endpointId}</a>
        </dd>
        <dt>Message</dt>
        <dd>
          <a href={href(props.app, 'messages', d.messageId)}>{d.messageId}</a>
        </dd>
        <dt>Created</dt>
        <dd>
          <Time value={d.createdAt} />
        </dd>
        {props.temporalUi && d.temporalUiUrl && (
          <>
            <dt>Workflow</dt>
            <dd>
              <a href={d.temporalUiUrl} target="_blank" rel="noopener noreferrer">
                Open workflow in Temporal UI
              </a>
            </dd>
          </>
        )}
      </dl>
      <AttemptsTable attempts={d.attempts} />
    </section>
  );
}

/** The page of one delivery. */
export function DeliveryView(props: { app: string; id: string; temporalUi: boolean }) {
  const load = useDeliveryWatch(props.id);
  return (
    <>
      <h2>Delivery {props.id}</h2>
      <Loaded load={load}>
        {(d) =>
          // The delivery route is global; under another application's address it is not shown as that one's.
          d.applicationId === props.app ? (
            <DeliveryPanel delivery={d} app={props.app} temporalUi={props.temporalUi} />
          ) : (
            <ErrorNotice error={new ApiError(404, 'delivery_not_found', `delivery ${props.id} does not exist in this application`)} />
          )
        }
      </Loaded>
    </>
  );
}
