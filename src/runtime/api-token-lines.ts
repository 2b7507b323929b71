import type { HookwayConfig } from '../config';
import type { ApiAuth } from '../security/local-secrets';

/**
 * The `API token` lines a stack prints on start: the token itself only when it was generated just now
 * (shown once), otherwise where it comes from.
 */
export function apiTokenLines(auth: ApiAuth | undefined, config: Pick<HookwayConfig, 'security' | 'dataDir'>): string[] {
  if (auth?.mode === 'token' && auth.generated) {
    return [
      `  API token    ${auth.token}`,
      `               (shown once; kept in ${auth.generated.file}. Send it as: Authorization: Bearer <token>)`,
    ];
  }
  if (auth?.mode === 'token') return [`  API token    ${config.security.apiToken ? 'from HOOKWAY_API_TOKEN' : `in ${config.dataDir}/api-token`}`];
  return ['  API token    NONE: HOOKWAY_INSECURE_NO_AUTH=true, anyone who reaches the port can use the API'];
}
