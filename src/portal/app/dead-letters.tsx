import { useState } from 'preact/hooks';
import { api, query, seg, type Page } from './api';
import { href } from './router';
import type { DeadLetter, Endpoint } from './types';
import { ActionButton, Loaded, Pager, Time, useCursor, useLoad } from './ui';

const LIMIT = 20;

/** The application's open dead letters: retry one, retry all of an endpoint, discard. */
export function DeadLetterList({ app }: { app: string }) {
  const [endpointId, setEndpointId] = useState('');
  const cursor = useCursor(`${app}/${endpointId}`);
  const [endpoints] = useLoad(() => api<Page<Endpoint>>('GET', `/v1/applications/${seg(app)}/endpoints?limit=100`), [app]);
  const [load, reload] = useLoad(
    () => api<Page<DeadLetter>>('GET', `/v1/applications/${seg(app)}/dead-letters${query({ limit: LIMIT, after: cursor.after, endpointId })}`),
    [app, endpointId, cursor.after],
  );
  const [notice, setNotice] = useState('');
  return (
    <>
      <h2>Dead letters</h2>
      <div class="toolbar">
        <label>
          Endpoint{' '}
          <select value={endpointId} onChange={(e) => setEndpointId(e.currentTarget.value)}>
            <option value="">Every endpoint</option>
            {endpoints.state === 'done' &&
              endpoints.value.items.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.url} ({e.id})
                </option>
              ))}
          </select>
        </label>
        {endpointId && (
          <ActionButton
            label="Retry all of this endpoint"
            action={() =>
              api<{ count: number }>('POST', `/v1/applications/${seg(app)}/endpoints/${seg(endpointId)}/dead-letters/retry`).then((r) => {
                setNotice(`Retrying ${r.count} dead letters, oldest first.`);
                reload();
              })
            }
          />
        )}
        <button type="button" onClick={reload}>
          Refresh dead letters
        </button>
      </div>
      {notice && <p role="status">{notice}</p>}
      <Loaded load={load}>
        {(page) => (
          <>
            <p>{(page.total ?? page.items.length) === 1 ? '1 open dead letter.' : `${page.total ?? page.items.length} open dead letters.`}</p>
            <table>
              <caption>Open dead letters, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Dead-lettered</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Message</th>
                  <th scope="col">Delivery</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Error</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {page.items.length === 0 && (
                  <tr>
                    <td colSpan={7}>No open dead letters.</td>
                  </tr>
                )}
                {page.items.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Time value={d.deadLetteredAt} />
                    </td>
                    <td>
                      <a href={href(app, 'endpoints', d.endpointId)}>{d.endpointId}</a>
                    </td>
                    <td>
                      <a href={href(app, 'messages', d.messageId)}>{d.messageId}</a>
                    </td>
                    <td>
                      <a href={href(app, 'deliveries', d.deliveryId)}>{d.deliveryId}</a>
                    </td>
                    <td>{d.attempts}</td>
                    <td>{d.error}</td>
                    <td>
                      <ActionButton
                        label="Retry"
                        action={() =>
                          api('POST', `/v1/dead-letters/${seg(d.id)}/retry`).then(() => {
                            setNotice(`Retrying ${d.id}: follow delivery ${d.deliveryId}.`);
                            reload();
                          })
                        }
                      />{' '}
                      <ActionButton
                        label="Discard"
                        class="danger"
                        action={() =>
                          api('DELETE', `/v1/dead-letters/${seg(d.id)}`).then(() => {
                            setNotice(`Discarded ${d.id}.`);
                            reload();
                          })
                        }
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager items={page.items} limit={LIMIT} cursor={cursor} label="Dead letters" />
          </>
        )}
      </Loaded>
    </>
  );
}
