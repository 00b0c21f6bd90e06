import { setPwaState, setUpdateAction } from './pwa-state';

/**
 * Registers the service worker (built by vite-plugin-pwa, decision 072) after the page has loaded, so it never competes
 * with the first download. A new version waits until the user presses Reload in the banner: nothing reloads by itself.
 */
export function registerServiceWorker(): void {
  window.addEventListener('online', () => setPwaState({ online: true }));
  window.addEventListener('offline', () => setPwaState({ online: false }));
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const start = () => {
    void import('workbox-window').then(({ Workbox }) => {
      const wb = new Workbox('/sw.js', { scope: '/' });
      wb.addEventListener('waiting', () => setPwaState({ updateWaiting: true }));
      setUpdateAction(() => {
        // Reload only once the new worker controls the page, and only because the user asked for it.
        wb.addEventListener('controlling', () => window.location.reload());
        wb.messageSkipWaiting();
      });
      void wb.register().catch(() => undefined);
      // A phone left open for days still hears about new versions.
      window.setInterval(() => void wb.update().catch(() => undefined), 60 * 60 * 1000);
    });
  };
  if (document.readyState === 'complete') start();
  else window.addEventListener('load', start, { once: true });
}
