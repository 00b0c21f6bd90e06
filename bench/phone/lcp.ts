import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { phone } from '../../e2e/harness';

// The headline of phone.bench.ts: a page's Largest Contentful Paint in a fresh context under CDP throttling, and the
// baseline it is compared with (the same page's visible markup saved as static HTML with the same CSS, no script).

/** Lighthouse 12's mobile slow-4G (constants.throttling.mobileSlow4G, "devtools" variant) and its 4× CPU slowdown. */
export const SLOW_4G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: (1.6 * 1024 * 0.9 * 1024) / 8,
  uploadThroughput: (750 * 0.9 * 1024) / 8,
};
export const CPU_SLOWDOWN = 4;

const LCP_OBSERVER = `(() => {
  window.__lcp = { ms: null, element: null };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__lcp.ms = e.startTime;
      window.__lcp.element = e.element ? e.element.tagName.toLowerCase() + (e.element.className ? '.' + String(e.element.className).split(' ')[0] : '') : e.url || null;
    }
  }).observe({ type: 'largest-contentful-paint', buffered: true });
})()`;

export interface LcpRun {
  lcpMs: number;
  element: string | null;
  fcpMs: number;
  loadMs: number;
  jsKB: number;
}

async function freshContext(browser: Browser, cookie: { name: string; value: string; url: string } | null): Promise<BrowserContext> {
  // Empty cache (a new context), and no service worker: the first visit is measured, before any precache.
  const ctx = await browser.newContext({ viewport: phone, isMobile: true, hasTouch: true, deviceScaleFactor: 1.75, serviceWorkers: 'block' });
  if (cookie) await ctx.addCookies([cookie]);
  await ctx.addInitScript(LCP_OBSERVER);
  return ctx;
}

/**
 * One throttled load of `url` in a fresh context: LCP (PerformanceObserver, ms after navigation start) once `ready`
 * is visible and the network has been quiet, read before any input (input would stop LCP). Throws when the page
 * ends elsewhere (a redirect would measure another page) or reports no LCP.
 */
export async function measureLcp(browser: Browser, url: string, ready: string, cookie: { name: string; value: string } | null): Promise<LcpRun> {
  const ctx = await freshContext(browser, cookie ? { ...cookie, url: new URL(url).origin } : null);
  try {
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    await page.locator(ready).first().waitFor({ state: 'visible', timeout: 120_000 });
    await page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => undefined);
    if (page.url() !== url) throw new Error(`${url}: ended on ${page.url()}`);
    const got = JSON.parse(
      (await page.evaluate(`JSON.stringify({
        lcp: window.__lcp,
        fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null,
        load: performance.getEntriesByType('navigation')[0].loadEventEnd,
        js: performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.js')).reduce((a, r) => a + r.transferSize, 0),
      })`)) as string,
    ) as { lcp: { ms: number | null; element: string | null }; fcp: number | null; load: number; js: number };
    if (got.lcp.ms === null) throw new Error(`${url}: no largest-contentful-paint entry`);
    return { lcpMs: Math.round(got.lcp.ms), element: got.lcp.element, fcpMs: Math.round(got.fcp ?? Number.NaN), loadMs: Math.round(got.load), jsKB: Math.round(got.js / 102.4) / 10 };
  } finally {
    await ctx.close();
  }
}

/**
 * The baseline page: what the logged-in page shows once settled (unthrottled), with every script and module
 * preload removed and its stylesheets kept, so the browser paints the same markup with the same CSS and no script.
 */
export async function staticSnapshot(browser: Browser, url: string, ready: string, cookie: { name: string; value: string }): Promise<string> {
  const ctx = await browser.newContext({ viewport: phone, serviceWorkers: 'block' });
  try {
    await ctx.addCookies([{ ...cookie, url: new URL(url).origin }]);
    const page = await ctx.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await page.locator(ready).first().waitFor({ state: 'visible', timeout: 60_000 }).catch((err: Error) => {
      throw new Error(`${url} showed no ${ready} (the page is at ${page.url()}): ${err.message.split('\n')[0]}`);
    });
    await page.waitForLoadState('networkidle').catch(() => undefined);
    const html = (await page.evaluate(`(() => {
      const doc = document.documentElement.cloneNode(true);
      doc.querySelectorAll('script, link[rel="modulepreload"], link[rel="manifest"], link[rel="preload"][as="script"]').forEach((n) => n.remove());
      return '<!doctype html>' + doc.outerHTML;
    })()`)) as string;
    if (/<script/i.test(html)) throw new Error('the static snapshot still holds a script');
    if (!/<link[^>]+rel="stylesheet"/.test(html)) throw new Error('the static snapshot lost its stylesheets');
    return html;
  } finally {
    await ctx.close();
  }
}

/**
 * Serves `html` at `path` and passes every other request on to the app (same CSS, fonts and images, same headers
 * and compression), so the two sides differ only in the page.
 */
export async function staticServer(appUrl: string, pathname: string, html: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = new URL(appUrl);
  const server = http.createServer((req, res) => {
    if (req.url === pathname) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }).end(html);
      return;
    }
    const headers = { ...req.headers, host: app.host };
    const upstream = http.request({ host: app.hostname, port: app.port, path: req.url, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${pathname}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
