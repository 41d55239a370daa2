import { existsSync, statSync } from 'node:fs';
import { basename, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The web console (`web/`, built by Vite into `dist/web`), served by the same server as the API so that the
 * session cookie (SameSite=Strict) and the WebAuthn origin are the API's own.
 *
 * Files that exist are served as they are; any other GET that asks for HTML and is not an API path gets
 * `index.html`, so that the console's client-side routes (`/login`, `/enrol#token=…`, `/me/passkeys`) load.
 * Everything else falls through to the app's RFC 9457 `route.not_found`. None of these routes is part of the
 * API: they are hidden from the OpenAPI document.
 */
export interface ConsoleOptions {
  /** Folder of the built console. Defaults to `dist/web` of this checkout. */
  readonly root?: string;
}

/** Paths that belong to the API: never answered with the console, even when a browser asks for HTML. */
const apiPrefixes = [
  '/v1/',
  // DCSA Track & Trace 2.2 and 3.0 (issue 16): a partner's mistyped path is a problem+json 404, not the console.
  '/v2/',
  '/v3/',
  '/openapi.json',
  '/healthz',
  '/readyz',
  '/metrics',
  // Swagger UI (issue 16): a path under it that is none of its files is a 404, not the console.
  '/docs',
  '/checkpoint',
  '/tile/',
] as const;

export function isApiPath(pathname: string): boolean {
  return pathname === '/v1' || apiPrefixes.some((prefix) => pathname.startsWith(prefix));
}

/**
 * `dist/web` of this checkout: compiled, this file is `dist/src/http/console.routes.js`; run from source (tests),
 * it is `src/http/console.routes.ts`.
 */
export function defaultConsoleRoot(): string {
  const twoUp = resolve(import.meta.dirname, '..', '..');
  return basename(twoUp) === 'dist' && import.meta.filename.endsWith('.js')
    ? resolve(twoUp, 'web')
    : resolve(twoUp, 'dist', 'web');
}

/** The console is a single-origin app: it loads nothing from elsewhere and may not be framed. */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  // The installable driver's app (issue 14): its manifest and service worker, both from the console's own origin.
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function setPageHeaders(reply: FastifyReply): void {
  reply
    .header('content-security-policy', contentSecurityPolicy)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin');
}

function acceptsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b|\bapplication\/xhtml\+xml\b/.test(request.headers.accept ?? '');
}

function pathnameOf(request: FastifyRequest): string | undefined {
  try {
    return decodeURIComponent(request.url.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
}

/** The file under `root` that `pathname` names, if it exists and does not escape `root`. */
function fileUnder(root: string, pathname: string): string | undefined {
  if (pathname.includes('\0')) return undefined;
  const candidate = resolve(root, `.${pathname}`);
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  const relativePath = candidate.slice(root.length + 1);
  if (relativePath.split(sep).some((part) => part.startsWith('.'))) return undefined;
  try {
    return statSync(candidate).isFile() ? relativePath : undefined;
  } catch {
    return undefined;
  }
}

const notBuiltPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>PortLedger</title></head>
<body style="font-family: system-ui, sans-serif; margin: 3rem; color: #1b2733; line-height: 1.5">
<h1>PortLedger</h1>
<p>The console is not built. Run <code>npm run build</code> and restart the server.</p>
<p>The API is available: <a href="/openapi.json">/openapi.json</a>.</p>
</body>
</html>
`;

export function consoleRoutes(options: ConsoleOptions = {}): FastifyPluginAsync {
  return async (app) => {
    const root = resolve(options.root ?? defaultConsoleRoot());
    const built = existsSync(resolve(root, 'index.html'));
    if (!built) {
      app.log.warn(
        { root },
        'the web console is not built: run `npm run build`; serving a page that says so',
      );
    } else {
      // `serve: false`: only `reply.sendFile`; the routes below decide what is a file and what is the app.
      await app.register(fastifyStatic, { root, serve: false, dotfiles: 'ignore' });
    }

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const pathname = pathnameOf(request);
      if (pathname === undefined || isApiPath(pathname)) return reply.callNotFound();
      if (!built) {
        if (!acceptsHtml(request)) return reply.callNotFound();
        return reply
          .code(503)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .header(
            'content-security-policy',
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
          )
          .header('x-content-type-options', 'nosniff')
          .send(notBuiltPage);
      }
      const file = pathname === '/' ? undefined : fileUnder(root, pathname);
      if (file !== undefined && file !== 'index.html') {
        // The service worker and the app manifest keep their names across builds: revalidated at every load, so that
        // an installed console picks up a new one at once.
        if (file === 'sw.js' || file === 'manifest.webmanifest')
          return reply.header('cache-control', 'no-cache').sendFile(file, { cacheControl: false });
        // Vite names everything under assets/ by content hash: it never changes.
        const hashed = file.startsWith(`assets${sep}`);
        return reply.sendFile(file, {
          cacheControl: true,
          maxAge: hashed ? '365d' : '1h',
          immutable: hashed,
        });
      }
      if (!acceptsHtml(request) && file === undefined && pathname !== '/') return reply.callNotFound();
      setPageHeaders(reply);
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    };

    const routeOptions = {
      config: { access: 'public' as const },
      schema: { hide: true },
      logLevel: 'warn' as const,
    };
    app.get('/', routeOptions, handler);
    app.get('/*', routeOptions, handler);
  };
}
