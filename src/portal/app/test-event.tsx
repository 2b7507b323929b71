import { useEffect, useRef, useState } from 'preact/hooks';
import { api, seg } from './api';
import { DeliveryPanel, WatchNotice, useDeliveryWatch } from './deliveries';
import type { Endpoint, Message } from './types';
import { ErrorNotice, Loaded, Progress, asApiError } from './ui';
import type { ApiError } from './api';

/** Sends a test event to one endpoint and shows its delivery arrive: status code, duration, response body. */
export function TestEvent(props: { app: string; endpoint: Endpoint; temporalUi: boolean; onSettled(): void }) {
  const { app, endpoint } = props;
  // A wildcard such as `invoice.*` is a subscription, not a type a message can have (the API refuses it);
  // with no concrete type the API picks its own.
  const [eventType, setEventType] = useState(endpoint.eventTypes?.find((name) => !name.includes('*')) ?? '');
  const [payload, setPayload] = useState('{\n  "test": true\n}');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [deliveryId, setDeliveryId] = useState<string | undefined>();

  const send = (event: Event): void => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = payload.trim() === '' ? undefined : JSON.parse(payload);
    } catch (failure) {
      setError(asApiError(new Error(`The payload is not valid JSON: ${failure instanceof Error ? failure.message : String(failure)}`)));
      return;
    }
    setSending(true);
    setError(undefined);
    setDeliveryId(undefined);
    const body: Record<string, unknown> = {};
    if (eventType.trim()) body.eventType = eventType.trim();
    if (parsed !== undefined) body.payload = parsed;
    api<Message>('POST', `/v1/applications/${seg(app)}/endpoints/${seg(endpoint.id)}/test`, body).then(
      (message) => {
        setSending(false);
        setDeliveryId(message.deliveries[0]?.id);
      },
      (failure: unknown) => {
        setSending(false);
        setError(asApiError(failure));
      },
    );
  };

  return (
    <section>
      <h3>Send a test event</h3>
      <form onSubmit={send} class="stack">
        <label>
          Test event type
          <input value={eventType} onInput={(e) => setEventType(e.currentTarget.value)} placeholder="hookway.test" />
        </label>
        <label>
          Test payload (JSON)
          <textarea rows={4} value={payload} onInput={(e) => setPayload(e.currentTarget.value)} class="mono" />
        </label>
        <div>
          <button type="submit" disabled={sending}>
            Send test event
          </button>
        </div>
      </form>
      {sending && <Progress>Sending the test event…</Progress>}
      {error && <ErrorNotice error={error} />}
      {deliveryId && <WatchedDelivery id={deliveryId} app={app} temporalUi={props.temporalUi} onSettled={props.onSettled} />}
    </section>
  );
}

function WatchedDelivery(props: { id: string; app: string; temporalUi: boolean; onSettled(): void }) {
  const watch = useDeliveryWatch(props.id);
  const load = watch.load;
  const settled = load.state === 'done' && load.value.status !== 'pending';
  // Once per delivery: the parent's callback is a new function at each of its renders.
  const told = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!settled || told.current === props.id) return;
    told.current = props.id;
    props.onSettled();
  });
  return (
    <div class="watched">
      <h4>Test delivery</h4>
      <WatchNotice watch={watch} />
      <Loaded load={load}>{(d) => <DeliveryPanel delivery={d} app={props.app} temporalUi={props.temporalUi} />}</Loaded>
    </div>
  );
}
