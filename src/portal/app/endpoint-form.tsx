import { useState } from 'preact/hooks';
import { ApiError, api, seg, type Page } from './api';
import { href, navigate } from './router';
import type { Endpoint } from './types';
import { ErrorNotice, Loaded, Progress, asApiError, useLoad } from './ui';

/** Event types the application has used, and those of the catalog when the API has one. */
async function knownEventTypes(app: string): Promise<string[]> {
  const names = new Set<string>();
  const used = api<Page<string>>('GET', `/v1/applications/${seg(app)}/event-types/used`).then(
    (page) => page.items.forEach((name) => names.add(name)),
    () => undefined,
  );
  // The catalog is optional: an API without it answers 404, and the form works from the used names alone.
  const catalog = api<Page<{ name: string; archived?: boolean }>>('GET', '/v1/event-types?limit=100').then(
    (page) => page.items.filter((t) => !t.archived).forEach((t) => names.add(t.name)),
    () => undefined,
  );
  await Promise.all([used, catalog]);
  return [...names].sort();
}

/** `name: value` lines into a header map; throws naming the line that is not one. */
export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`Custom headers, line ${index + 1}: write it as "Name: value"`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  });
  return headers;
}

interface Fields {
  url: string;
  description: string;
  eventTypes: string[];
  otherEventTypes: string;
  headers: string;
  filter: string;
  maxAttempts: string;
  initialIntervalMs: string;
  backoffCoefficient: string;
  maxIntervalMs: string;
}

function fieldsOf(e: Endpoint | undefined): Fields {
  return {
    url: e?.url ?? '',
    description: e?.description ?? '',
    eventTypes: e?.eventTypes ?? [],
    otherEventTypes: '',
    headers: Object.entries(e?.headers ?? {})
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    filter: e?.filter ?? '',
    maxAttempts: e ? String(e.retryPolicy.maxAttempts) : '',
    initialIntervalMs: e ? String(e.retryPolicy.initialIntervalMs) : '',
    backoffCoefficient: e ? String(e.retryPolicy.backoffCoefficient) : '',
    maxIntervalMs: e ? String(e.retryPolicy.maxIntervalMs) : '',
  };
}

/** The body the API takes: blanks left out, so the API's defaults apply; numbers as numbers. */
function bodyOf(f: Fields, editing: boolean): Record<string, unknown> {
  const eventTypes = [
    ...new Set([
      ...f.eventTypes,
      ...f.otherEventTypes
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ]),
  ];
  const body: Record<string, unknown> = { url: f.url.trim(), description: f.description, headers: parseHeaders(f.headers) };
  if (eventTypes.length > 0) body.eventTypes = eventTypes;
  else if (editing) body.eventTypes = null;
  if (f.filter.trim() !== '') body.filter = f.filter.trim();
  else if (editing) body.filter = null;
  const retryPolicy: Record<string, number> = {};
  for (const key of ['maxAttempts', 'initialIntervalMs', 'backoffCoefficient', 'maxIntervalMs'] as const) {
    if (f[key].trim() !== '') retryPolicy[key] = Number(f[key]);
  }
  if (Object.keys(retryPolicy).length > 0) body.retryPolicy = retryPolicy;
  return body;
}

/** Adds an endpoint, or edits one (`id` set). */
export function EndpointForm(props: { app: string; id?: string }) {
  const { app, id } = props;
  const [load] = useLoad(
    async () => ({
      endpoint: id ? await api<Endpoint>('GET', `/v1/applications/${seg(app)}/endpoints/${seg(id)}`) : undefined,
      known: await knownEventTypes(app),
    }),
    [app, id],
  );
  return (
    <>
      <h2>{id ? 'Edit endpoint' : 'Add endpoint'}</h2>
      <Loaded load={load}>{(value) => <Form key={value.endpoint?.id ?? 'new'} app={app} endpoint={value.endpoint} known={value.known} />}</Loaded>
    </>
  );
}

function Form(props: { app: string; endpoint?: Endpoint; known: string[] }) {
  const { app, endpoint } = props;
  const [fields, setFields] = useState<Fields>(() => fieldsOf(endpoint));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [created, setCreated] = useState<Endpoint | undefined>();
  const set = (key: keyof Fields) => (event: { currentTarget: { value: string } }) => setFields((f) => ({ ...f, [key]: event.currentTarget.value }));
  const toggle = (name: string) =>
    setFields((f) => ({ ...f, eventTypes: f.eventTypes.includes(name) ? f.eventTypes.filter((n) => n !== name) : [...f.eventTypes, name] }));
  const offered = [...new Set([...props.known, ...fields.eventTypes])].sort();

  const submit = (event: Event): void => {
    event.preventDefault();
    let body: Record<string, unknown>;
    try {
      body = bodyOf(fields, endpoint !== undefined);
    } catch (failure) {
      setError(asApiError(failure));
      return;
    }
    setSaving(true);
    setError(undefined);
    const path = `/v1/applications/${seg(app)}/endpoints`;
    const saved = endpoint ? api<Endpoint>('PATCH', `${path}/${seg(endpoint.id)}`, body) : api<Endpoint>('POST', path, body);
    saved.then(
      (result) => {
        setSaving(false);
        if (endpoint) navigate(href(app, 'endpoints', result.id));
        else setCreated(result);
      },
      (failure: unknown) => {
        setSaving(false);
        setError(asApiError(failure));
      },
    );
  };

  if (created)
    return (
      <div role="status">
        <p>Endpoint added. Its signing secret, to verify the webhook-signature header (it can be revealed again later):</p>
        <p>
          <label>
            Signing secret <input readOnly value={created.secret ?? ''} size={48} class="mono" />
          </label>
        </p>
        <p>
          <a class="button" href={href(app, 'endpoints', created.id)}>
            Open endpoint
          </a>
        </p>
      </div>
    );

  return (
    <form onSubmit={submit} class="stack">
      <label>
        URL
        <input type="url" required value={fields.url} onInput={set('url')} placeholder="https://example.com/webhooks" />
      </label>
      <label>
        Description
        <input value={fields.description} onInput={set('description')} />
      </label>
      <fieldset>
        <legend>Event types (none ticked: every event type)</legend>
        {offered.length === 0 && <p class="muted">No event types used yet.</p>}
        {offered.map((name) => (
          <label key={name} class="inline">
            <input type="checkbox" checked={fields.eventTypes.includes(name)} onChange={() => toggle(name)} /> {name}
          </label>
        ))}
        <label>
          Other event types (comma-separated)
          <input value={fields.otherEventTypes} onInput={set('otherEventTypes')} placeholder="invoice.paid, invoice.failed" />
        </label>
      </fieldset>
      <label>
        Filter (CEL)
        <textarea rows={2} value={fields.filter} onInput={set('filter')} class="mono" placeholder='data.amount > 1000 && data.currency == "EUR"' />
      </label>
      <p class="muted">
        Blank: no filter. A message reaches the endpoint only when this is true, over <code>type</code>, <code>data</code> (the payload) and{' '}
        <code>timestamp</code>; try it on the endpoint's page.
      </p>
      <label>
        Custom headers (one "Name: value" per line)
        <textarea rows={3} value={fields.headers} onInput={set('headers')} class="mono" />
      </label>
      <fieldset>
        <legend>Retry policy (blank: the defaults)</legend>
        {/* The API's bounds (src/api/endpoints/dto/retry-policy.dto.ts), so the browser refuses what it would. */}
        <label>
          Max attempts
          <input type="number" min={1} max={100} step={1} value={fields.maxAttempts} onInput={set('maxAttempts')} />
        </label>
        <label>
          Initial interval (ms)
          <input type="number" min={1} max={86_400_000} step={1} value={fields.initialIntervalMs} onInput={set('initialIntervalMs')} />
        </label>
        <label>
          Backoff coefficient
          <input type="number" min={1} max={100} step="any" value={fields.backoffCoefficient} onInput={set('backoffCoefficient')} />
        </label>
        <label>
          Max interval (ms)
          <input type="number" min={1} max={7 * 86_400_000} step={1} value={fields.maxIntervalMs} onInput={set('maxIntervalMs')} />
        </label>
      </fieldset>
      <div>
        <button type="submit" disabled={saving}>
          {endpoint ? 'Save endpoint' : 'Add endpoint'}
        </button>{' '}
        <a href={endpoint ? href(app, 'endpoints', endpoint.id) : href(app, 'endpoints')}>Cancel</a>
      </div>
      {saving && <Progress>Saving…</Progress>}
      {error && <ErrorNotice error={error} />}
    </form>
  );
}
