/**
 * Where the page keeps its token: read once from a magic link's `#token=...`, then kept in
 * sessionStorage (gone when the tab closes) and removed from the address bar, so it is not left in the
 * history, a bookmark or a screenshot of the URL.
 */
const KEY = 'hookway.portal.token';

/** Takes the token out of `location.hash` when the page was opened from a link, and returns the one held. */
export function takeToken(): string | undefined {
  const hash = window.location.hash.replace(/^#/, '');
  if (hash.startsWith('token=')) {
    const token = new URLSearchParams(hash).get('token')?.trim();
    if (token) sessionStorage.setItem(KEY, token);
    history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
  }
  return sessionStorage.getItem(KEY) ?? undefined;
}

/** Keeps a token the operator pasted. */
export function keepToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

/** Forgets the token (sign out, or a token the API refused). */
export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
