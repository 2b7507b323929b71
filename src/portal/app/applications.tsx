import { api, query, type Page } from './api';
import { href } from './router';
import type { Application } from './types';
import { Loaded, Pager, Time, useCursor, useLoad } from './ui';

const LIMIT = 20;

/** The operator's view: every application, to open one. */
export function ApplicationPicker() {
  const cursor = useCursor('applications');
  const [load] = useLoad(() => api<Page<Application>>('GET', `/v1/applications${query({ limit: LIMIT, after: cursor.after })}`), [cursor.after]);
  return (
    <>
      <h2>Applications</h2>
      <Loaded load={load}>
        {(page) => (
          <>
            <table>
              <caption>Every application, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Uid</th>
                  <th scope="col">Id</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <a href={href(a.id, 'endpoints')}>{a.name}</a>
                    </td>
                    <td>{a.uid}</td>
                    <td>{a.id}</td>
                    <td>
                      <Time value={a.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager items={page.items} limit={LIMIT} cursor={cursor} label="Applications" />
          </>
        )}
      </Loaded>
    </>
  );
}
