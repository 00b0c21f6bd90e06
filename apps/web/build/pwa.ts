import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import type { Plugin } from 'vite';
import type { VitePWAOptions } from 'vite-plugin-pwa';

/** The app's colours: the header's indigo and the page background (styles/tokens.css). */
export const themeColor = '#4338ca';
const backgroundColor = '#ffffff';

/** The one source drawing: the favicon. Every PNG icon is rendered from it at build time. */
const iconSvg = path.resolve(import.meta.dirname, '../public/favicon.svg');

/**
 * A maskable icon is cropped by the launcher to a circle or squircle: only the centre 80% is safe. It is the same
 * drawing on a full-bleed background, the glyph scaled into the safe zone.
 */
function maskableSvg(svg: string): string {
  const inner = svg.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '').replace(/<rect[^>]*\/>/, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${themeColor}"/><g transform="translate(12.8 12.8) scale(0.6)">${inner}</g></svg>`;
}

export const pwaIcons = [
  { file: 'icons/icon-192.png', size: 192, purpose: 'any' },
  { file: 'icons/icon-512.png', size: 512, purpose: 'any' },
  { file: 'icons/icon-maskable-512.png', size: 512, purpose: 'maskable' },
  { file: 'icons/apple-touch-icon-180.png', size: 180, purpose: 'maskable' },
] as const;

/**
 * The chunks and sheets of the app's own code (and what they import statically) that a student, tutor or guardian can
 * open: these are precached. Left out (decision 072): the whiteboard, diagram, maths and password-strength libraries
 * (megabytes, reached only through a lazy import inside them), and the staff pages (staffRoute) with whatever only they
 * import. Both are cached when first opened. Filled while the bundle is written; read by the worker's manifestTransforms.
 */
const appFiles = new Set<string>();
const ownCode = /\/(apps\/web\/src|packages\/contracts\/src)\//;
/**
 * The lazy pages no student or tutor opens on a phone: admin, ops, finance (admin-*), LTI and course staff (courses:
 * reached from an LMS launch), the development WhatsApp simulator, and the admin home's own lazy panels.
 */
export const staffRoute = /\/apps\/web\/src\/(routes\/(admin-[\w-]+|ops|courses|dev-whatsapp)|features\/admin\/[\w-]+)\.tsx?$/;
/** No single precached file above this (the entry is about 430 KB before gzip). */
const precacheMaxBytes = 600 * 1024;
let outDir = '';

type OutputBundle = Parameters<NonNullable<Extract<Plugin['generateBundle'], (...args: never[]) => unknown>>>[1];

/**
 * The precached chunks: those holding the app's own code that the entry reaches through static and lazy imports without
 * passing through a staff page's chunk, then what they import statically, with their sheets.
 */
export function precachedAppFiles(bundle: OutputBundle): Set<string> {
  const files = new Set<string>();
  const chunkOf = (fileName: string) => {
    const chunk = bundle[fileName];
    return chunk?.type === 'chunk' ? chunk : undefined;
  };
  const reached = new Set<string>();
  const reach = (fileName: string) => {
    const chunk = chunkOf(fileName);
    if (!chunk || reached.has(fileName) || (chunk.isDynamicEntry && staffRoute.test(chunk.facadeModuleId ?? ''))) return;
    reached.add(fileName);
    [...chunk.imports, ...chunk.dynamicImports].forEach(reach);
  };
  Object.values(bundle).forEach((c) => c.type === 'chunk' && c.isEntry && reach(c.fileName));
  const add = (fileName: string) => {
    const chunk = chunkOf(fileName);
    if (!chunk || files.has(fileName)) return;
    files.add(fileName);
    chunk.viteMetadata?.importedCss.forEach((css) => files.add(css));
    chunk.imports.forEach(add);
  };
  for (const fileName of reached) {
    const chunk = chunkOf(fileName);
    if (chunk && !fileName.includes('password-strength') && chunk.moduleIds.some((id) => ownCode.test(id))) add(fileName);
  }
  return files;
}

/** What the precache costs a phone on install: its files' sizes raw, gzip and brotli (the server sends brotli, decision 089). */
export function precacheSize(dir: string, urls: readonly string[]): { entries: number; raw: number; gzip: number; brotli: number } {
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const url of urls) {
    const bytes = fs.readFileSync(path.join(dir, url));
    raw += bytes.length;
    gzip += zlib.gzipSync(bytes, { level: 9 }).length;
    brotli += zlib.brotliCompressSync(bytes).length;
  }
  return { entries: urls.length, raw, gzip, brotli };
}

/** Renders the PNG icons from the SVG into the build (and serves them in dev), and notes which chunks are the app's. */
export function pwaIconsPlugin(): Plugin {
  const render = async (icon: (typeof pwaIcons)[number]) => {
    const svg = fs.readFileSync(iconSvg, 'utf8');
    const source = icon.purpose === 'maskable' ? maskableSvg(svg) : svg;
    return sharp(Buffer.from(source), { density: Math.ceil((72 * icon.size) / 64) }).resize(icon.size, icon.size).png().toBuffer();
  };
  return {
    name: 'tutorline-pwa-icons',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async generateBundle(_options, bundle) {
      appFiles.clear();
      precachedAppFiles(bundle).forEach((f) => appFiles.add(f));
      for (const icon of pwaIcons) this.emitFile({ type: 'asset', fileName: icon.file, source: await render(icon) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const icon = pwaIcons.find((i) => req.url === `/${i.file}`);
        if (!icon) return next();
        void render(icon).then((png) => res.setHeader('content-type', 'image/png').end(png), next);
      });
    },
  };
}

/**
 * Paths the server answers itself (API, realtime, development tools, webhooks, LTI, signed photo links, calendar feeds,
 * probes): a navigation there never gets the cached app shell.
 */
const serverPaths = /^\/(api|socket\.io|dev|webhooks|lti|l|cal|metrics|healthz|readyz|excalidraw-assets)(\/|$)/;

/** Cache of the few API reads that work offline (read-only); emptied at log-out. */
export const offlineApiCache = 'tutorline-offline-reads';

/**
 * The installable app (#21, decision 072): a manifest, and a Workbox service worker that precaches the app shell and
 * the light chunks. It never updates by itself (registerType 'prompt'): the page shows "Update available".
 */
export const pwaOptions: Partial<VitePWAOptions> = {
  registerType: 'prompt',
  // Registered by shell/pwa/register-sw.ts, after the page has loaded.
  injectRegister: false,
  filename: 'sw.js',
  manifestFilename: 'manifest.webmanifest',
  includeManifestIcons: true,
  manifest: {
    id: '/',
    name: 'Tutorline',
    short_name: 'Tutorline',
    description: 'Instant help from a photo, scheduled 1-on-1 tutoring and a live classroom.',
    lang: 'en',
    dir: 'ltr',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    orientation: 'any',
    theme_color: themeColor,
    background_color: backgroundColor,
    categories: ['education'],
    icons: pwaIcons.filter((i) => i.size !== 180).map((i) => ({ src: `/${i.file}`, sizes: `${i.size}x${i.size}`, type: 'image/png', purpose: i.purpose })),
    shortcuts: [
      { name: 'Ask a question', short_name: 'Ask', url: '/student/ask', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] },
      { name: 'My lessons', short_name: 'Lessons', url: '/lessons', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] },
    ],
  },
  workbox: {
    // Web Push (#21): the push and notificationclick handlers, plain JS served from public/ (see that file).
    importScripts: ['/push-sw.js'],
    // The shell and the app's own chunks (appFiles above); the heavy libraries are cached when first used instead.
    globPatterns: ['index.html', 'favicon.svg', 'icons/*.png', 'assets/*.{js,css}'],
    maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
    manifestTransforms: [
      (entries) => {
        const manifest = entries.filter((e) => !e.url.startsWith('assets/') || (appFiles.has(e.url) && e.size <= precacheMaxBytes));
        const size = precacheSize(outDir, manifest.map((e) => e.url));
        const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
        console.log(`precache on install: ${size.entries} entries, ${kib(size.raw)} raw, ${kib(size.gzip)} gzip, ${kib(size.brotli)} brotli`);
        return { manifest, warnings: [] };
      },
    ],
    navigateFallback: '/index.html',
    navigateFallbackDenylist: [serverPaths],
    cleanupOutdatedCaches: true,
    // A waiting worker takes over only when the user presses Reload (never on its own, never during a call).
    skipWaiting: false,
    clientsClaim: false,
    runtimeCaching: [
      // Hashed build files never change: the big lazy ones are kept once fetched.
      {
        urlPattern: ({ url, sameOrigin }) => sameOrigin && (url.pathname.startsWith('/assets/') || url.pathname.startsWith('/excalidraw-assets/')),
        handler: 'CacheFirst',
        options: { cacheName: 'tutorline-lazy-assets', expiration: { maxEntries: 200, purgeOnQuotaError: true } },
      },
      // Read-only offline: who is logged in and the lesson list, as last seen. Fresh from the network whenever it answers.
      {
        urlPattern: ({ url, sameOrigin, request }) => sameOrigin && request.method === 'GET' && (url.pathname === '/api/me' || url.pathname === '/api/bookings'),
        handler: 'NetworkFirst',
        options: { cacheName: offlineApiCache, expiration: { maxEntries: 10, purgeOnQuotaError: true } },
      },
    ],
  },
};
