import { request } from 'undici';

/**
 * Fetches the Temporal SDK's own Prometheus text (workflow task latency, activity slots, polls, ...) from
 * the endpoint the Runtime serves, so one scrape of Hookway shows both. Empty when there is none.
 */
export async function fetchSdkMetrics(url: string | undefined): Promise<string> {
  if (!url) return '';
  const response = await request(url, { signal: AbortSignal.timeout(2_000) });
  const text = await response.body.text();
  return response.statusCode === 200 ? text : '';
}

/** Our registry's text followed by the SDK's, as one exposition. */
export async function renderMetrics(ours: Promise<string>, sdkUrl: string | undefined): Promise<string> {
  const [own, sdk] = await Promise.all([ours, fetchSdkMetrics(sdkUrl).catch(() => '# temporal sdk metrics unavailable\n')]);
  return `${own.trimEnd()}\n${sdk}`;
}
