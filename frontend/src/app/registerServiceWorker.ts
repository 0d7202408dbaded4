/** Registers the service worker the build generates (vite.config.ts: VitePWA), which lets the app
 * shell open offline. main.tsx imports this module after the page's load event, so neither the
 * module nor the worker's precache downloads compete with the first paint. */
export function registerServiceWorker(): void {
  // The worker's precache would hand the dev server's modules a stale copy: production only.
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  // The manifest (install prompt) is linked now, not in index.html: no request before first paint.
  const link = Object.assign(document.createElement("link"), {
    rel: "manifest",
    href: "/manifest.webmanifest",
  });
  document.head.append(link);
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // No worker (private mode, a blocked origin): the app works online as before.
  });
}
