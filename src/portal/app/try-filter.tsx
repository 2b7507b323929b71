import { useState } from 'preact/hooks';
import { api, seg } from './api';
import type { Endpoint, FilterRecentResult, FilterSampleResult } from './types';
import { ErrorNotice, asApiError } from './ui';
import type { ApiError } from './api';

const yes = (value: boolean): string => (value ? 'yes' : 'no');

/**
 * Tries a filter without delivering anything: on a sample event type and payload, or on the application's
 * newest 100 messages, through the API's filter test route. A blank filter tries the endpoint without one.
 */
export function TryFilter(props: { app: string; endpoint: Endpoint }) {
  const { app, endpoint } = props;
  const [filter, setFilter] = useState(endpoint.filter ?? '');
  const [eventType, setEventType] = useState(endpoint.eventTypes?.find((name) => !name.includes('*')) ?? '');
  const [payload, setPayload] = useState('{\n  "amount": 1200\n}');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [sample, setSample] = useState<FilterSampleResult | undefined>();
  const [recent, setRecent] = useState<FilterRecentResult | undefined>();

  const run = (onSample: boolean): void => {
    const body: Record<string, unknown> = {};
    // The endpoint's own filter is what the route tries when none is sent; a blank box means "no filter",
    // which only an always-true expression says.
    body.filter = filter.trim() === '' ? 'true' : filter.trim();
    if (onSample) {
      try {
        body.payload = JSON.parse(payload);
      } catch (failure) {
        setError(asApiError(new Error(`The sample payload is not valid JSON: ${failure instanceof Error ? failure.message : String(failure)}`)));
        return;
      }
      body.eventType = eventType.trim();
    }
    setBusy(true);
    setError(undefined);
    setSample(undefined);
    setRecent(undefined);
    const path = `/v1/applications/${seg(app)}/endpoints/${seg(endpoint.id)}/filter/test`;
    const tried = onSample
      ? api<FilterSampleResult>('POST', path, body).then(setSample)
      : api<FilterRecentResult>('POST', path, body).then(setRecent);
    tried.then(
      () => setBusy(false),
      (failure: unknown) => {
        setBusy(false);
        setError(asApiError(failure));
      },
    );
  };

  return (
    <section>
      <h3>Try a filter</h3>
      <p class="muted">Nothing is delivered. Saving the filter is done with Edit endpoint.</p>
      <div class="stack">
        <label>
          Filter to try (CEL)
          <textarea rows={2} value={filter} onInput={(e) => setFilter(e.currentTarget.value)} class="mono" />
        </label>
        <label>
          Sample event type
          <input value={eventType} onInput={(e) => setEventType(e.currentTarget.value)} placeholder="invoice.paid" />
        </label>
        <label>
          Sample payload (JSON)
          <textarea rows={3} value={payload} onInput={(e) => setPayload(e.currentTarget.value)} class="mono" />
        </label>
        <div class="toolbar">
          <button type="button" disabled={busy} onClick={() => run(true)}>
            Try filter on the sample
          </button>
          <button type="button" disabled={busy} onClick={() => run(false)}>
            Try filter on the last 100 messages
          </button>
        </div>
      </div>
      {error && <ErrorNotice error={error} />}
      {sample && (
        <p role="status" class="filter-result">
          {sample.matches ? 'Matches' : 'Does not match'}: event type matches: {yes(sample.eventTypeMatches)}, filter matches: {yes(sample.filterMatches)}
          {sample.filterError && `; the filter failed: ${sample.filterError}`}
        </p>
      )}
      {recent && (
        <p role="status" class="filter-result">
          {recent.matched} of the last {recent.total} messages would have reached this endpoint
          {recent.errors > 0 && ` (the filter failed on ${recent.errors})`}.
        </p>
      )}
    </section>
  );
}
