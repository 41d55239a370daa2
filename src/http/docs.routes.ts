import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { RouteAccess } from './auth.plugin.js';

/** Where the API's reference is read in a browser. */
export const DOCS_PREFIX = '/docs';

/**
 * The Swagger UI page is its own origin's only: swagger-ui's scripts, styles and fonts come from this server (the
 * package ships them; no CDN, so `/docs` works on a port network without the internet), the document from
 * `/docs/json`. No inline script is allowed; inline styles are (Swagger UI sets some as it draws, checked in Chromium
 * by test/e2e/browser/docs.test.ts); `data:` images are its icons. The online validator badge is off (`validatorUrl: null`), so nothing is sent elsewhere.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Swagger UI sets some styles inline as it draws (Chromium refuses one without this): styles only, never scripts.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** `/v1/visits/:visitRef` as the OpenAPI document writes it: `/v1/visits/{visitRef}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}');
}

/**
 * The console's private routes, which the UI's document leaves out: a person's own (`access: 'session'`, which an
 * API token is refused: their passkeys, their work queues, signing out) and the sign-in ceremonies under
 * `/v1/auth/` (WebAuthn is bound to the console's origin; a partner's system signs in with an API token instead).
 * The console's pages and streams are hidden from every document already (`schema.hide`).
 */
export function isConsolePrivate(url: string, access: RouteAccess | undefined): boolean {
  return access === 'session' || url.startsWith('/v1/auth/');
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, { tags?: string[] } | unknown>>;
  tags?: { name: string }[];
}

/**
 * Swagger UI at `/docs` (issue 16), from the same OpenAPI document as `/openapi.json` (generated from the routes'
 * TypeBox schemas), without the console's private routes (`isConsolePrivate`).
 *
 * Registered before the auth plugin, with fastify-plugin so that its route recorder sees every route registered
 * after it: swagger-ui's own routes declare no access, and are made `public` here (they serve only the page, its
 * assets and the document, which `/openapi.json` already gives anyone).
 */
export function docsRoutes() {
  return fp(
    async (app: FastifyInstance) => {
      // "GET /v1/me/passkeys", in the document's path form.
      const hidden = new Set<string>();
      app.addHook('onRoute', (route: RouteOptions) => {
        const access = (route.config as { access?: RouteAccess } | undefined)?.access;
        if (!isConsolePrivate(route.url, access)) return;
        for (const method of [route.method].flat())
          hidden.add(`${method.toLowerCase()} ${openApiPath(route.url)}`);
      });

      await app.register(async (ui) => {
        ui.addHook('onRoute', (route: RouteOptions) => {
          route.config = { ...(route.config as object), access: 'public' };
          // Page loads and assets: Fastify's request lines only at warn, as for the console.
          route.logLevel ??= 'warn';
        });
        await ui.register(swaggerUi, {
          routePrefix: DOCS_PREFIX,
          staticCSP: DOCS_CONTENT_SECURITY_POLICY,
          uiConfig: { validatorUrl: null, deepLinking: true, docExpansion: 'list' },
          theme: { title: 'PortLedger API' },
          transformSpecificationClone: true,
          transformSpecification: (document) => withoutConsolePrivate(document as OpenApiDocument, hidden),
        });
      });
    },
    { name: 'portledger-docs' },
  );
}

/** The document less the operations in `hidden`, and less the paths and tags left with none. */
export function withoutConsolePrivate<T extends OpenApiDocument>(
  document: T,
  hidden: ReadonlySet<string>,
): T {
  const paths: NonNullable<OpenApiDocument['paths']> = {};
  const used = new Set<string>();
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    const kept = Object.fromEntries(
      Object.entries(operations).filter(([method]) => !hidden.has(`${method} ${path}`)),
    );
    if (Object.keys(kept).length === 0) continue;
    paths[path] = kept;
    for (const operation of Object.values(kept)) {
      for (const tag of (operation as { tags?: string[] }).tags ?? []) used.add(tag);
    }
  }
  return {
    ...document,
    paths,
    ...(document.tags ? { tags: document.tags.filter((tag) => used.has(tag.name)) } : {}),
  };
}
