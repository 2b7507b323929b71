import { ConfigError, readBool, readDuration, readInt, readOptional, readString, type Env } from './env';

/** How the HTTP API listens and what it accepts. */
export interface ApiSettings {
  /** `PORT`: HTTP port of the API. @default 3000 */
  port: number;
  /** `HOST`: interface the API binds to. @default "127.0.0.1" */
  host: string;
  /** `HOOKWAY_MAX_PAYLOAD_BYTES`: largest accepted request body. @default 262144 */
  maxPayloadBytes: number;
  /**
   * `HOOKWAY_SHUTDOWN_GRACE`: on SIGTERM, how long an API keeps answering the requests it already
   * received (and the keep-alive connections they came on) before it cuts what is left. @default 8s
   */
  shutdownGraceMs: number;
  /** `HOOKWAY_MAX_BATCH`: most messages one `POST .../messages/batch` may carry. @default 500 */
  maxBatch: number;
  /**
   * `HOOKWAY_MAX_BATCH_BYTES`: largest accepted body of `POST .../messages/batch`, which carries many
   * messages; each of them still counts against `HOOKWAY_MAX_PAYLOAD_BYTES` on its own. @default 4194304
   */
  maxBatchBytes: number;
  /**
   * `HOOKWAY_REQUIRE_KNOWN_EVENT_TYPES`: refuse messages whose event type is not in the catalog
   * (`400 unknown_event_type`) instead of accepting any well-formed type. @default false
   */
  requireKnownEventTypes: boolean;
  /**
   * `HOOKWAY_DOCS_EVENT_TYPES`: whether the OpenAPI document (`/docs`, `/docs-json`, served without a
   * token) lists the event-type catalog: each live type's name, description and payload schema, for the
   * customers who build receivers. `false` keeps the catalog to token holders (`GET /v1/event-types`). @default true
   */
  docsEventTypes: boolean;
  /**
   * `HOOKWAY_PUBLIC_URL`: the URL people reach the API at (scheme, host, port and any path prefix, no
   * trailing slash), used in the portal links it makes. Unset, links use `HOST` (`127.0.0.1` for an
   * all-interfaces bind) and the port the API actually listens on; never a request's `Host` header, which
   * whoever sends the request chooses. @default "http://<HOST>:<listening port>"
   */
  publicUrl?: string;
}

function readPublicUrl(env: Env): string | undefined {
  const raw = readOptional(env, 'HOOKWAY_PUBLIC_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('HOOKWAY_PUBLIC_URL', 'must be an absolute http(s) URL, e.g. https://hooks.example.com');
  }
  // An empty query or fragment (`https://h/?`) parses to '' but would still end up in every link.
  if (!['http:', 'https:'].includes(url.protocol) || /[?#]/.test(raw) || url.username || url.password) {
    throw new ConfigError('HOOKWAY_PUBLIC_URL', 'must be an http(s) URL without query, fragment or credentials, e.g. https://hooks.example.com');
  }
  return url.toString().replace(/\/+$/, '');
}

/** Reads {@link ApiSettings}. */
export function readApiSettings(env: Env): ApiSettings {
  return {
    port: readInt(env, 'PORT', 3000, 0, 65535),
    host: readString(env, 'HOST', '127.0.0.1'),
    maxPayloadBytes: readInt(env, 'HOOKWAY_MAX_PAYLOAD_BYTES', 262_144, 1024, 16 * 1024 * 1024),
    shutdownGraceMs: readDuration(env, 'HOOKWAY_SHUTDOWN_GRACE', 8_000, 0),
    publicUrl: readPublicUrl(env),
    requireKnownEventTypes: readBool(env, 'HOOKWAY_REQUIRE_KNOWN_EVENT_TYPES', false),
    docsEventTypes: readBool(env, 'HOOKWAY_DOCS_EVENT_TYPES', true),
    maxBatch: readInt(env, 'HOOKWAY_MAX_BATCH', 500, 1, 10_000),
    maxBatchBytes: readInt(env, 'HOOKWAY_MAX_BATCH_BYTES', 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
  };
}
