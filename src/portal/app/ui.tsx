import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';

/** What a load is doing: waiting, done with a value, or failed with the API's error. */
export type Load<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; error: ApiError };

/** The message of anything thrown, preferring the API's own `error.message`. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'client_error', error instanceof Error ? error.message : String(error));
}

/**
 * Loads `fetcher()` when `deps` change; `reload` loads again. What was loaded for other `deps` is never
 * shown: between a change (a click on Next, a new filter) and its answer the view shows progress, so a
 * page's label and its rows always belong together.
 */
export function useLoad<T>(fetcher: () => Promise<T>, deps: unknown[]): [Load<T>, () => void] {
  const key = JSON.stringify(deps);
  const [held, setHeld] = useState<{ key: string; load: Load<T> }>({ key, load: { state: 'loading' } });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    // A reload of the same view keeps what is shown until the new answer.
    setHeld((previous) => (previous.key === key && previous.load.state === 'done' ? previous : { key, load: { state: 'loading' } }));
    fetcher().then(
      (value) => current && setHeld({ key, load: { state: 'done', value } }),
      (error: unknown) => current && setHeld({ key, load: { state: 'failed', error: asApiError(error) } }),
    );
    return () => {
      current = false;
    };
  }, [key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return [held.key === key ? held.load : { state: 'loading' }, reload];
}

/** A wait the user can see. */
export function Progress({ children = 'Loading…' }: { children?: ComponentChildren }) {
  return (
    <p class="progress" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> {children}
    </p>
  );
}

/** The API's error, in its own words; a 404 reads as "Not found". */
export function ErrorNotice({ error }: { error: ApiError }) {
  return (
    <div class="error" role="alert">
      <strong>{error.status === 404 ? 'Not found' : 'Error'}</strong>: {error.message}
    </div>
  );
}

/** Renders a load: progress, the API's error, or `children(value)`. */
export function Loaded<T>({ load, children }: { load: Load<T>; children: (value: T) => ComponentChildren }) {
  if (load.state === 'loading') return <Progress />;
  if (load.state === 'failed') return <ErrorNotice error={load.error} />;
  return <>{children(load.value)}</>;
}

/** A button that runs `action`, shows progress while it runs and the API's error when it fails. */
export function ActionButton(props: { label: string; busyLabel?: string; action: () => Promise<unknown>; class?: string; disabled?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const run = (): void => {
    setBusy(true);
    setError(undefined);
    props.action().then(
      () => setBusy(false),
      (failure: unknown) => {
        setBusy(false);
        setError(asApiError(failure));
      },
    );
  };
  return (
    <span class="action">
      <button type="button" class={props.class} onClick={run} disabled={busy || props.disabled}>
        {busy ? (props.busyLabel ?? `${props.label}…`) : props.label}
      </button>
      {busy && <span class="spinner" role="status" aria-label={`${props.label} in progress`} />}
      {error && <ErrorNotice error={error} />}
    </span>
  );
}

/**
 * Cursor paging as every list of the API does it: `after` is the id of the last item of the page before.
 * Keeps the cursors of the pages seen, so Previous goes back exactly.
 */
export function useCursor(resetKey: string): { after: string | undefined; next(lastId: string): void; previous(): void; page: number } {
  // The cursors belong to the key they were taken under: a new key starts at page one at once, without an
  // effect that could land after a click on Next and undo it.
  const [held, setHeld] = useState<{ key: string; stack: string[] }>({ key: resetKey, stack: [] });
  const stack = held.key === resetKey ? held.stack : [];
  const change = (update: (s: string[]) => string[]): void =>
    setHeld((h) => ({ key: resetKey, stack: update(h.key === resetKey ? h.stack : []) }));
  return {
    after: stack[stack.length - 1],
    page: stack.length + 1,
    next: (lastId) => change((s) => [...s, lastId]),
    previous: () => change((s) => s.slice(0, -1)),
  };
}

/** Next/Previous for a list paged by {@link useCursor}; a page shorter than `limit` is the last. */
export function Pager<T extends { id: string }>(props: { items: T[]; limit: number; cursor: ReturnType<typeof useCursor>; label: string }) {
  const { items, limit, cursor } = props;
  const last = items[items.length - 1];
  return (
    <nav class="pager" aria-label={`${props.label} pages`}>
      <button type="button" onClick={cursor.previous} disabled={cursor.page === 1}>
        Previous
      </button>
      <span>Page {cursor.page}</span>
      <button type="button" onClick={() => last && cursor.next(last.id)} disabled={items.length < limit || !last}>
        Next
      </button>
    </nav>
  );
}

/** A time in the reader's locale, with the exact ISO time as a tooltip. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  return (
    <time dateTime={value} title={value}>
      {new Date(value).toLocaleString()}
    </time>
  );
}

const STATUS_TEXT: Record<string, string> = { pending: 'Pending', succeeded: 'Delivered', dead_lettered: 'Dead-lettered' };

/** A delivery status in words. */
export function Status({ value }: { value: string }) {
  return <span class={`status status-${value}`}>{STATUS_TEXT[value] ?? value}</span>;
}

/** Data shown as text: JSON in a <pre>, never markup. */
export function Json({ value, label }: { value: unknown; label: string }) {
  return (
    <pre class="json" aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
