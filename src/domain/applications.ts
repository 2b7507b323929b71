/**
 * The application every install has from its first start (migration 015): the routes without an
 * application (`/v1/endpoints`, `/v1/messages`, `GET /v1/dead-letters`) are its shorthand.
 */
export const DEFAULT_APPLICATION = { id: 'app_default', uid: 'default' } as const;

/** What an application's `uid` may be: the caller's own id for its customer. */
export const APPLICATION_UID_PATTERN = /^[A-Za-z0-9_.:-]{1,256}$/;
