import { useCallback, useEffect, useState } from 'preact/hooks';
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

/** The wait before poll number `round` (from 0) of a pending delivery: 700 ms, doubling, at most 15 s. */
export function pollDelay(round: number, firstMs = 700, maxMs = 15_000): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(round, 16));
}

/** A delivery pending longer than this is left alone until the reader asks again. */
const WATCH_LIMIT_MS = 30 * 60_000;

/** What {@link useDeliveryWatch} shows: the delivery, the last failed poll, and whether it stopped. */
export interface DeliveryWatch {
  load: Load<Delivery>;
  /** The last poll's error while polling goes on (or stopped on it). */
  error?: ApiError;
  /** Why polling stopped before the delivery settled; `retry` starts it again. */
  stopped?: string;
  retry(): void;
}

/** Only a network failure, a 5xx or a 429 can pass; any other refusal answers the same next time. */
const transient = (error: ApiError): boolean => error.status === 0 || error.status === 429 || error.status >= 500;

/**
 * Polls a delivery while it is pending, so a page shows it arrive: backing off from 700 ms to 15 s,
 * paused while the tab is hidden, going on after a transient error, and stopping after 30 minutes.
 */
export function useDeliveryWatch(id: string): DeliveryWatch {
  const [load, setLoad] = useState<Load<Delivery>>({ state: 'loading' });
  const [error, setError] = useState<ApiError | undefined>();
  const [stopped, setStopped] = useState<string | undefined>();
  const [round, setRound] = useState(0);
  useEffect(() => setLoad({ state: 'loading' }), [id]);
  useEffect(() => {
    let ended = false;
    let paused = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let polls = 0;
    const started = Date.now();
    setStopped(undefined);
    setError(undefined);
    const schedule = (): void => {
      if (Date.now() - started >= WATCH_LIMIT_MS) {
        setStopped('Stopped refreshing after 30 minutes.');
        return;
      }
      timer = setTimeout(poll, pollDelay(polls));
      polls += 1;
    };
    const poll = (): void => {
      timer = undefined;
      // A hidden tab asks nothing; showing it again polls at once.
      if (document.hidden) {
        paused = true;
        return;
      }
      api<Delivery>('GET', `/v1/deliveries/${seg(id)}`).then(
        (delivery) => {
          if (ended) return;
          setError(undefined);
          setLoad({ state: 'done', value: delivery });
          if (delivery.status === 'pending') schedule();
        },
        (failure: unknown) => {
          if (ended) return;
          const problem = asApiError(failure);
          setError(problem);
          setLoad((previous) => (previous.state === 'done' ? previous : { state: 'failed', error: problem }));
          if (transient(problem)) schedule();
          else setStopped('Stopped refreshing.');
        },
      );
    };
    const resume = (): void => {
      if (document.hidden || !paused || ended) return;
      paused = false;
      poll();
    };
    document.addEventListener('visibilitychange', resume);
    poll();
    return () => {
      ended = true;
      document.removeEventListener('visibilitychange', resume);
      if (timer) clearTimeout(timer);
    };
  }, [id, round]);
  return { load, error, stopped, retry: useCallback(() => setRound((n) => n + 1), []) };
}

/** A failed poll, and a way to poll again once it stopped. */
export function WatchNotice({ watch }: { watch: DeliveryWatch }) {
  // A first load that failed is shown by <Loaded>; here only what happens after a delivery was shown.
  if (watch.load.state !== 'done') return watch.stopped && watch.load.state === 'failed' && transient(watch.load.error) ? <Retry watch={watch} /> : null;
  return (
    <>
      {watch.error && <ErrorNotice error={watch.error} />}
      {watch.error && !watch.stopped && <p class="muted">Refreshing again shortly…</p>}
      {watch.stopped && <Retry watch={watch} />}
    </>
  );
}

function Retry({ watch }: { watch: DeliveryWatch }) {
  return (
    <p role="status">
      {watch.stopped}{' '}
      <button type="button" onClick={watch.retry}>
        Retry
      </button>
    </p>
  );
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
  const watch = useDeliveryWatch(props.id);
  return (
    <>
      <h2>Delivery {props.id}</h2>
      <WatchNotice watch={watch} />
      <Loaded load={watch.load}>
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
