import { useEffect, useState } from 'preact/hooks';

/**
 * Routing by the hash (`#/apps/<app>/endpoints/<id>`), so the API serves one page for every view and a
 * reload keeps the view. Ids typed into the address bar are only ever sent to the API, which answers 404
 * for anything of another application.
 */
export type Route =
  | { view: 'home' }
  | { view: 'endpoints'; app: string }
  | { view: 'new-endpoint'; app: string }
  | { view: 'endpoint'; app: string; id: string }
  | { view: 'edit-endpoint'; app: string; id: string }
  | { view: 'messages'; app: string }
  | { view: 'message'; app: string; id: string }
  | { view: 'delivery'; app: string; id: string }
  | { view: 'dead-letters'; app: string }
  | { view: 'unknown' };

/** Reads a route from a hash such as `#/apps/app_1/endpoints/ep_2`. */
export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  if (parts.length === 0) return { view: 'home' };
  if (parts[0] !== 'apps' || parts.length < 2) return { view: 'unknown' };
  const app = parts[1];
  const [section, id, action] = parts.slice(2);
  if (section === undefined || (section === 'endpoints' && id === undefined)) return { view: 'endpoints', app };
  if (section === 'endpoints' && id === 'new' && action === undefined) return { view: 'new-endpoint', app };
  if (section === 'endpoints' && action === 'edit') return { view: 'edit-endpoint', app, id };
  if (section === 'endpoints' && action === undefined) return { view: 'endpoint', app, id };
  if (section === 'messages' && id === undefined) return { view: 'messages', app };
  if (section === 'messages' && action === undefined) return { view: 'message', app, id };
  if (section === 'deliveries' && id !== undefined && action === undefined) return { view: 'delivery', app, id };
  if (section === 'dead-letters' && id === undefined) return { view: 'dead-letters', app };
  return { view: 'unknown' };
}

/** The hash of a view, e.g. `href(app, 'endpoints', id)` is `#/apps/<app>/endpoints/<id>`. */
export function href(app: string, ...parts: string[]): string {
  return `#/${['apps', app, ...parts].map(encodeURIComponent).join('/')}`;
}

/** Goes to a view. */
export function navigate(hash: string): void {
  window.location.hash = hash;
}

/** The current route, following the address bar. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const follow = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return route;
}
