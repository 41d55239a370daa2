import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is built into `dist/web`, which the server serves (`src/http/console.routes.ts`).
 *
 * `vite --config web/vite.config.ts` runs a dev server that proxies the API to `portledger serve` on
 * localhost:8080. Passkeys need the page and the API on one origin, so for WebAuthn use the built console served by
 * the server itself.
 */
const api = 'http://localhost:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: 'public',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One bundle, served from the port's own server and cached: i18next and the two languages' catalogue
    // (issue 14) take it past Vite's 500 kB hint, which is about first loads over slow public networks.
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/v1': api, '/openapi.json': api, '/healthz': api, '/readyz': api },
  },
});
