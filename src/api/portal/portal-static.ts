import fs from 'node:fs/promises';
import path from 'node:path';
import type { RequestHandler, Response } from 'express';
import { projectRoot } from '../../paths';

/** Where the portal is served: the page at `/portal` and `/portal/`, its files under `/portal/assets/`. */
export const PORTAL_PATH = '/portal';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

// Names Vite writes (`index-PjqxCZbF.js`): nothing that could climb out of the folder.
const ASSET = /^\/portal\/assets\/([A-Za-z0-9_-][A-Za-z0-9._-]*)$/;
const PAGE = new Set(['/portal', '/portal/', '/portal/index.html']);
const FAVICON = '/portal/favicon.svg';

/** The portal's Content-Security-Policy: its own files only, no inline script, framed only by `frameAncestors`. */
export function portalContentSecurityPolicy(frameAncestors: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.join(' ')}`,
  ].join('; ');
}

/** Options of {@link portalStatic}. */
export interface PortalStaticOptions {
  /** Origins allowed to frame the portal (`HOOKWAY_PORTAL_FRAME_ANCESTORS`). */
  frameAncestors: string[];
  /** The built portal. @default `<project root>/dist/portal` */
  directory?: string;
}

/**
 * Serves the built portal (src/portal, built into dist/portal) without a token: the page itself holds
 * no data, and reads its token from the URL fragment, which browsers never send. Runs before the token
 * middleware and answers only its own paths (case-sensitive, GET and HEAD); everything else goes on.
 * The page is `no-cache`, so a new build is picked up at once; its hashed assets are cached for a year.
 */
export function portalStatic(options: PortalStaticOptions): RequestHandler {
  const directory = options.directory ?? path.join(projectRoot(), 'dist', 'portal');
  const policy = portalContentSecurityPolicy(options.frameAncestors);
  const secure = (res: Response): void => {
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  };
  const fail = (res: Response, status: number, code: string, message: string): void => {
    res.status(status);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(JSON.stringify({ error: { code, message } }));
  };
  const send = async (res: Response, file: string | undefined, cacheControl: string, method: string): Promise<void> => {
    let body: Buffer;
    try {
      if (file === undefined) throw new Error('no such file');
      body = await fs.readFile(file);
    } catch {
      if (file?.endsWith('index.html')) return fail(res, 503, 'portal_not_built', 'the portal is not built: run npm run build (or npm start, which builds it)');
      return fail(res, 404, 'route_not_found', 'the portal has no such page or file');
    }
    res.status(200);
    res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', body.length);
    res.setHeader('Cache-Control', cacheControl);
    res.end(method === 'HEAD' ? undefined : body);
  };
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const url = req.path;
    let file: string | undefined;
    let cacheControl = 'no-cache';
    const asset = ASSET.exec(url);
    if (PAGE.has(url)) file = path.join(directory, 'index.html');
    else if (url === FAVICON) file = path.join(directory, 'favicon.svg');
    else if (asset) {
      file = path.join(directory, 'assets', asset[1]);
      cacheControl = 'public, max-age=31536000, immutable';
    } else if (url.startsWith(`${PORTAL_PATH}/`)) {
      // Any other portal path is a page that does not exist; answered here so it never asks for a token.
      file = undefined;
    } else return next();
    secure(res);
    send(res, file, cacheControl, req.method).catch(next);
  };
}
