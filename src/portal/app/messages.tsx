import { useState } from 'preact/hooks';
import { ApiError, api, query, seg, type Page } from './api';
import { href } from './router';
import type { Message, MessageLogItem } from './types';
import { ErrorNotice, Json, Loaded, Pager, Status, Time, useCursor, useLoad } from './ui';

const LIMIT = 20;

/** A `datetime-local` value (the reader's time) as the ISO time the API takes; blank stays blank. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The application's messages, newest first, filtered by event type and time. */
export function MessageList({ app }: { app: string }) {
  const [draft, setDraft] = useState({ eventType: '', since: '', until: '' });
  const [filters, setFilters] = useState(draft);
  const cursor = useCursor(`${app}/${JSON.stringify(filters)}`);
  const [load, reload] = useLoad(
    () =>
      api<Page<MessageLogItem>>(
        'GET',
        `/v1/applications/${seg(app)}/messages${query({ limit: LIMIT, after: cursor.after, eventType: filters.eventType.trim(), since: toIso(filters.since), until: toIso(filters.until) })}`,
      ),
    [app, filters, cursor.after],
  );
  return (
    <>
      <h2>Messages</h2>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          // The same filters again: a fresh look at the page, for messages that came since.
          if (JSON.stringify(draft) === JSON.stringify(filters)) reload();
          else setFilters({ ...draft });
        }}
      >
        <label>
          Event type
          <input value={draft.eventType} onInput={(e) => setDraft({ ...draft, eventType: e.currentTarget.value })} />
        </label>
        <label>
          Since
          <input type="datetime-local" value={draft.since} onInput={(e) => setDraft({ ...draft, since: e.currentTarget.value })} />
        </label>
        <label>
          Until
          <input type="datetime-local" value={draft.until} onInput={(e) => setDraft({ ...draft, until: e.currentTarget.value })} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <Loaded load={load}>
        {(page) => (
          <>
            <table>
              <caption>Messages, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Message</th>
                  <th scope="col">Event type</th>
                  <th scope="col">Accepted</th>
                  <th scope="col">Deliveries</th>
                </tr>
              </thead>
              <tbody>
                {page.items.length === 0 && (
                  <tr>
                    <td colSpan={4}>No messages.</td>
                  </tr>
                )}
                {page.items.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <a href={href(app, 'messages', m.id)}>{m.id}</a>
                    </td>
                    <td>{m.eventType}</td>
                    <td>
                      <Time value={m.createdAt} />
                    </td>
                    <td>
                      {m.deliveries.total} total: {m.deliveries.succeeded} delivered, {m.deliveries.pending} pending, {m.deliveries.deadLettered} dead-lettered
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager items={page.items} limit={LIMIT} cursor={cursor} label="Messages" />
          </>
        )}
      </Loaded>
    </>
  );
}

/** `1 endpoint filtered out`, `2 endpoints filtered out`. */
function filteredOut(count: number): string {
  return `${count} endpoint${count === 1 ? '' : 's'} filtered out`;
}

/** One message: its payload, as data, and its deliveries. */
export function MessageDetail({ app, id }: { app: string; id: string }) {
  const [load, reload] = useLoad(() => api<Message>('GET', `/v1/applications/${seg(app)}/messages/${seg(id)}`), [app, id]);
  return (
    <>
      <h2>Message {id}</h2>
      <Loaded load={load}>
        {(m) =>
          m.applicationId !== app && app.startsWith('app_') ? (
            <ErrorNotice error={new ApiError(404, 'message_not_found', `message ${id} does not exist in this application`)} />
          ) : (
            <>
              <dl class="facts">
                <dt>Event type</dt>
                <dd>{m.eventType}</dd>
                <dt>Accepted</dt>
                <dd>
                  <Time value={m.createdAt} />
                </dd>
                <dt>Filtered out</dt>
                <dd>{filteredOut(m.filteredOut ?? 0)}</dd>
              </dl>
              <h3>Payload</h3>
              <Json value={m.payload} label="Payload" />
              <h3>Deliveries</h3>
              <button type="button" onClick={reload}>
                Refresh
              </button>
              <table>
                <caption>Deliveries of this message</caption>
                <thead>
                  <tr>
                    <th scope="col">Delivery</th>
                    <th scope="col">Endpoint</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {m.deliveries.length === 0 && (
                    <tr>
                      <td colSpan={3}>
                        {(m.filteredOut ?? 0) > 0
                          ? `No delivery: ${filteredOut(m.filteredOut ?? 0)} (their filter was false on it).`
                          : 'No endpoint was subscribed to this event type.'}
                      </td>
                    </tr>
                  )}
                  {m.deliveries.map((d) => (
                    <tr key={d.id}>
                      <td>
                        <a href={href(app, 'deliveries', d.id)}>{d.id}</a>
                      </td>
                      <td>
                        <a href={href(app, 'endpoints', d.endpointId)}>{d.endpointId}</a>
                      </td>
                      <td>
                        <Status value={d.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </Loaded>
    </>
  );
}
