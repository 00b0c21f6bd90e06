import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, root, screenshotPath, useServerAndBrowser } from './harness';

// The installable app (#21, decision 072): manifest, service worker, offline page, update banner, the first download's
// JavaScript budget and the photo shrunk on the device. The server serves a copy of the build, so the test can publish
// "a new version" (a changed sw.js) without touching apps/web/dist.
const builtDist = path.join(root, 'apps/web/dist');
const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-pwa-dist-'));
fs.cpSync(builtDist, dist, { recursive: true, filter: (src) => !src.endsWith('.map') });

/** The JavaScript a student downloads before the home and ask pages are usable, gzip (#21). */
const budgetBytes = 170 * 1024;
const student = 'student05@tutorline.test';
/**
 * What the service worker downloads on install, gzip (#21): the shell and the student's and tutor's pages. It was 126
 * files, 473 KB, when every chunk of the app's own code was precached; 101 files, 406 KB, without the staff pages.
 */
const precacheBoundBytes = 465 * 1024;
/** The chunks of the staff pages (admin, ops, finance, LTI, course staff, the WhatsApp simulator): never precached. */
const staffChunk = /^assets\/(admin|ops|courses|lti|dev-whatsapp)[-.][^/]*\.js$/;

/** Waits until a service worker controls the page (the first load is not controlled: clientsClaim is off). */
async function controlledBySw(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

describe.runIf(chromiumAvailable('pwa'))('the installable app', () => {
  const env = useServerAndBrowser({ WEB_DIST: dist });
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));
  let base = '';
  beforeAll(() => {
    base = env.server().baseUrl;
  });

  it('serves a valid manifest: names, colours, standalone, icons of the stated sizes, shortcuts to real pages', async () => {
    const res = await fetch(`${base}/manifest.webmanifest`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await res.json()) as Record<string, unknown> & { icons: { src: string; sizes: string; purpose?: string }[]; shortcuts: { name: string; url: string }[] };
    expect(manifest).toMatchObject({ name: 'Tutorline', short_name: 'Tutorline', display: 'standalone', start_url: '/', scope: '/', theme_color: '#4338ca' });
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    const sizes = manifest.icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`);
    expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
    for (const icon of manifest.icons) {
      const png = await fetch(`${base}${icon.src}`);
      expect(png.headers.get('content-type')).toBe('image/png');
      const meta = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
      expect(`${meta.width}x${meta.height}`).toBe(icon.sizes);
    }
    expect(manifest.shortcuts.map((s) => [s.name, s.url])).toEqual([
      ['Ask a question', '/student/ask'],
      ['My lessons', '/lessons'],
    ]);
    const html = await fetch(`${base}/`, { headers: { accept: 'text/html' } }).then((r) => r.text());
    expect(html).toContain('rel="manifest" href="/manifest.webmanifest"');

    // The worker is revalidated on every check and may fetch our own origin; pages may register workers of our own.
    const sw = await fetch(`${base}/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect(sw.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect((await fetch(`${base}/student`, { headers: { accept: 'text/html' } })).headers.get('content-security-policy')).toContain("worker-src 'self'");
  });

  it('precaches the shell and the student and tutor pages, no staff page, under the stated size', () => {
    const sw = fs.readFileSync(path.join(dist, 'sw.js'), 'utf8');
    const urls = [...sw.matchAll(/\{url:"([^"]+)",revision:/g)].map((m) => m[1]!);
    const gzip = urls.reduce((sum, url) => sum + zlib.gzipSync(fs.readFileSync(path.join(dist, url)), { level: 9 }).length, 0);
    console.log(`precache: ${urls.length} entries, ${(gzip / 1024).toFixed(1)} KB gzip (bound ${precacheBoundBytes / 1024} KB)`);
    expect(urls).toEqual(expect.arrayContaining(['index.html', 'manifest.webmanifest']));
    for (const page of ['my-lessons', 'offline', 'tutor-home', 'settings', 'find-tutors', 'session']) expect(urls.some((u) => u.startsWith(`assets/${page}-`) && u.endsWith('.js')), page).toBe(true);
    // The staff chunks are in the build (so this looks at something), only not in the precache.
    expect(fs.readdirSync(path.join(dist, 'assets')).filter((f) => staffChunk.test(`assets/${f}`)).length).toBeGreaterThan(10);
    expect(urls.filter((u) => staffChunk.test(u))).toEqual([]);
    expect(gzip).toBeLessThanOrEqual(precacheBoundBytes);
  });

  it('opens a staff page online under the worker: its chunk comes from the network, then from the runtime cache', async () => {
    const { context, page } = await logIn(env.browser(), base, 'admin@tutorline.test');
    await controlledBySw(page);
    await page.goto('/ops');
    await page.getByTestId('ops-page').waitFor();
    const cached = await page.evaluate(async () => (await (await caches.open('tutorline-lazy-assets')).keys()).map((r) => new URL(r.url).pathname));
    expect(cached.filter((p) => /^\/assets\/ops-[^/]*\.js$/.test(p))).toHaveLength(1);
    await context.close();
  });

  it('keeps the JavaScript a student downloads before home and the ask page are usable under 170 KB gzip, in English and in Hindi', async () => {
    const { context: loggedIn, page: home } = await logIn(env.browser(), base, student);
    const storageState = await loggedIn.storageState();
    /** A first visit: empty HTTP cache, and no service worker yet (its install downloads in the background, after). */
    const measure = async (language: string) => {
      const context = await env.browser().newContext({ baseURL: base, viewport: { width: 360, height: 740 }, storageState, serviceWorkers: 'block' });
      // The language this phone chose before (kept on the device, as after a first visit or at sign-up).
      await context.addInitScript((lang) => localStorage.setItem('tutorline.language', lang), language);
      const page = await context.newPage();
      const scripts = new Set<string>();
      let measuring = true;
      page.on('request', (r) => {
        if (measuring && r.resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
      });
      // What goes over the wire is the build's brotli copy (decision 089), for every script big enough to have one.
      const encodings = new Map<string, string>();
      page.on('response', (r) => {
        if (measuring && r.request().resourceType() === 'script') encodings.set(new URL(r.url()).pathname, r.headers()['content-encoding'] ?? 'none');
      });
      await page.goto('/student');
      await page.getByTestId('student-home').waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe(language);
      await page.getByTestId('ask-button').click();
      await page.getByTestId('ask-page').waitFor();
      await page.getByTestId('ask-submit').waitFor();
      measuring = false;
      const sizes = [...scripts].map((p) => ({ p, gzip: zlib.gzipSync(fs.readFileSync(path.join(dist, p))).length }));
      const total = sizes.reduce((s, x) => s + x.gzip, 0);
      console.log(`JS before home and ask are usable (${language}): ${(total / 1024).toFixed(1)} KB gzip in ${sizes.length} files (budget ${budgetBytes / 1024} KB)`);
      expect(sizes.length).toBeGreaterThan(0);
      expect(total, sizes.map((s) => `${s.p} ${s.gzip}`).join('\n')).toBeLessThanOrEqual(budgetBytes);
      const plain = [...encodings].filter(([p, enc]) => enc !== 'br' && fs.statSync(path.join(dist, p)).size > 1024);
      expect(plain, 'scripts sent without compression').toEqual([]);
      await context.close();
    };
    await measure('en');
    // A Hindi reader downloads the Hindi words instead of the English ones (decision 081).
    const origin = { origin: base };
    expect((await home.request.patch('/api/me', { headers: origin, data: { language: 'hi' } })).status()).toBe(200);
    await measure('hi');
    expect((await home.request.patch('/api/me', { headers: origin, data: { language: 'en' } })).status()).toBe(200);
    await loggedIn.close();
  });

  it('keeps what the student reads in place while home and the ask page load on a slow network: layout shift under 0.1', async () => {
    const { context, page } = await logIn(env.browser(), base, student);
    // Every API answer arrives 700 ms late (a slow network), so the cards fill in after the page has painted.
    await context.route('**/api/**', async (route) => {
      await new Promise((r) => setTimeout(r, 700));
      await route.continue();
    });
    await context.addInitScript(() => {
      const w = window as unknown as { __shift: number };
      w.__shift = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!e.hadRecentInput) w.__shift += e.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const shift = () => page.evaluate(() => (window as unknown as { __shift: number }).__shift);
    await page.goto('/student');
    await page.getByTestId('billing-status').waitFor();
    await page.locator('[data-testid="tutors-for-you"][aria-busy="false"]').waitFor();
    await page.getByTestId('rec-personalise').waitFor();
    const home = await shift();
    await page.goto('/student/ask');
    await page.getByTestId('ask-credits').waitFor();
    await page.locator('select[data-testid="ask-subject"]:enabled').waitFor();
    const ask = await shift();
    console.log(`layout shift on a slow network: home ${home.toFixed(3)}, ask ${ask.toFixed(3)}`);
    // 0.1 is where Lighthouse and Core Web Vitals stop calling it good; the home page was at 0.30 and ask at 0.12.
    expect(home).toBeLessThan(0.1);
    expect(ask).toBeLessThan(0.1);
    await context.close();
  });

  it('opens offline from the service worker: the lesson list as last loaded, and a page saying what works', async () => {
    const { context, page } = await logIn(env.browser(), base, student);
    await page.setViewportSize({ width: 360, height: 740 });
    await controlledBySw(page);
    await page.goto('/lessons');
    await page.getByTestId('my-lessons').waitFor();
    await context.setOffline(true);
    await page.goto('/lessons');
    await page.getByTestId('my-lessons').waitFor();
    await expect(page.getByTestId('offline-banner').textContent()).resolves.toContain('You are offline');
    await page.getByRole('link', { name: 'What works offline' }).click();
    const offline = page.getByTestId('offline-page');
    await offline.waitFor();
    const words = await offline.textContent();
    expect(words).toContain('Works offline');
    expect(words).toContain('Needs a connection');
    expect(words).toContain('Asking a question');
    await page.screenshot({ path: screenshotPath('pwa-offline-360'), fullPage: true });
    await context.setOffline(false);
    await context.close();
  });

  it('shows "Update available" for a new version, never reloads by itself, waits during a call, reloads on request', async () => {
    const { context, page } = await logIn(env.browser(), base, student);
    await page.setViewportSize({ width: 360, height: 740 });
    await controlledBySw(page);
    const first = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    // A new release: the worker's bytes change. The page looks for it (as it does hourly) and the new one waits.
    fs.appendFileSync(path.join(dist, 'sw.js'), '\n// next release\n');
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
    const banner = page.getByTestId('update-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Update available');
    await page.screenshot({ path: screenshotPath('pwa-update-banner-360') });
    // In a call the banner only says the update waits; nothing offers to reload.
    await page.evaluate(() => {
      history.pushState({}, '', '/session/00000000-0000-4000-8000-000000000000');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    await page.waitForFunction(() => document.querySelector('[data-testid="update-banner"]')?.textContent?.includes('after your call'));
    expect(await page.getByTestId('update-reload').count()).toBe(0);
    await page.goBack();
    await page.getByTestId('update-reload').waitFor();
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    await Promise.all([page.waitForEvent('load'), page.getByTestId('update-reload').click()]);
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBeUndefined();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await page.getByTestId('update-banner').count()).toBe(0);
    expect(first).toBeTruthy();
    await context.close();
  });

  it('takes the photo with the rear camera and sends a 12-megapixel photo shrunk on the phone: ≤ 1600 px, under 1 MB', async () => {
    const { context, page } = await logIn(env.browser(), base, student);
    // Keep what the page sends, to read back its pixels.
    await page.addInitScript(() => {
      const w = window as unknown as { sentPhotos: Blob[] };
      w.sentPhotos = [];
      const send = XMLHttpRequest.prototype.send;
      XMLHttpRequest.prototype.send = function (body) {
        const file = body instanceof FormData ? body.get('file') : null;
        if (file instanceof Blob) w.sentPhotos.push(file);
        return send.call(this, body);
      };
    });
    await page.goto('/student/ask');
    const camera = page.getByTestId('photo-camera-input');
    expect(await camera.getAttribute('accept')).toBe('image/*');
    expect(await camera.getAttribute('capture')).toBe('environment');
    expect(await page.getByTestId('photo-input').getAttribute('capture')).toBeNull();
    // A camera-like 4000×3000 JPEG: noise does not compress, so it weighs megabytes as a real photo does.
    const noise = Buffer.alloc(4000 * 3000 * 3);
    for (let i = 0; i < noise.length; i += 1) noise[i] = Math.imul(i, 2654435761) >>> 24;
    const photo = await sharp(noise, { raw: { width: 4000, height: 3000, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
    expect(photo.length).toBeGreaterThan(3 * 1024 * 1024);
    const uploaded = page.waitForRequest((r) => r.url().endsWith('/api/help/photos') && r.method() === 'POST');
    await camera.setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo });
    const request = await uploaded;
    // The bytes on the wire (multipart body), and the file inside it as the page handed it to XMLHttpRequest.
    const wireBytes = Number((await request.allHeaders())['content-length']);
    expect(wireBytes).toBeGreaterThan(0);
    expect(wireBytes).toBeLessThan(1024 * 1024);
    const sent = await page.evaluate(async () => {
      const file = (window as unknown as { sentPhotos: Blob[] }).sentPhotos[0]!;
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(binary);
    });
    const jpeg = Buffer.from(sent, 'base64');
    expect(jpeg.length).toBeLessThan(wireBytes);
    const meta = await sharp(jpeg).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(1600);
    expect(meta.width).toBe(1600);
    await page.locator('[data-testid="photo-preview"][data-status="done"]').waitFor();
    await context.close();
  });
});
