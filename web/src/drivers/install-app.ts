/**
 * The driver's console as an installable web app (issue 14): the manifest (`/manifest.webmanifest`, linked from
 * index.html) opens it at My jobs, standalone, and this registers the service worker (`/sw.js`, web/public/sw.js)
 * that lets the installed app's shell start without a network. The worker never stores API answers or passes.
 *
 * It is registered from My jobs, the page the installed app opens on, so that it is there when a driver installs
 * the app, and every other role's console keeps working as a plain web page without one.
 */
export async function registerAppServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  try {
    // Scope `/`: the whole console, so that the installed app's start URL (/me/jobs) is inside it.
    await navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' });
  } catch {
    // Without a worker the console still works online; installing it is what waits.
  }
}
