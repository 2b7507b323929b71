import http from 'node:http';
import type { Logger } from '../logging/logger';

/**
 * A bare HTTP server answering `GET /metrics` with `render()`: what a worker without the API exposes.
 * @returns a function that closes it.
 */
export async function serveMetrics(
  port: number,
  host: string,
  render: () => Promise<string>,
  logger: Logger,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"route_not_found","message":"only GET /metrics"}}');
      return;
    }
    render().then(
      (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics could not be rendered');
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return { url: `http://${host}:${actual}/metrics`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
