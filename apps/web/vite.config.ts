import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { compression } from 'vite-plugin-compression2';
import { i18nCatalogs } from './build/i18n-catalogs.ts';
import { pwaIconsPlugin, pwaOptions } from './build/pwa.ts';

// The API server; in production it also serves apps/web/dist, so everything stays same-origin.
const apiTarget = 'http://127.0.0.1:3000';

const proxy = {
  '/api': { target: apiTarget },
  '/healthz': { target: apiTarget },
  '/socket.io': { target: apiTarget, ws: true },
};

/** Where the whiteboard's fonts are served; features/room/board sets window.EXCALIDRAW_ASSET_PATH to it. */
const excalidrawAssetsPath = '/excalidraw-assets/';

/**
 * Excalidraw fetches its fonts from esm.sh unless window.EXCALIDRAW_ASSET_PATH points elsewhere, and nothing may load
 * from another host. This serves the package's own font files under excalidrawAssetsPath: from node_modules in dev,
 * copied into the build otherwise. (Fonts only: its JS and CSS are bundled like any other import.)
 *
 * Excalidraw also appends esm.sh to every font's source list as a fallback. It is never fetched while ours answers,
 * but Chromium checks every listed URL against the CSP up front and logs hundreds of violations; so the build points
 * that fallback at our copy as well. Any esm.sh URL left fails the build, so an upgrade cannot bring one back silently.
 */
function excalidrawFonts(): Plugin {
  // The package exports only its entry; the fonts sit beside it.
  const fontsDir = path.join(path.dirname(createRequire(import.meta.url).resolve('@excalidraw/excalidraw')), 'fonts');
  const urlPrefix = `${excalidrawAssetsPath}fonts/`;
  let outDir = '';
  return {
    name: 'tutorline-excalidraw-fonts',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const pathname = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
        if (!pathname.startsWith(urlPrefix)) return next();
        const file = path.join(fontsDir, pathname.slice(urlPrefix.length));
        if (!file.startsWith(fontsDir + path.sep) || !fs.existsSync(file)) return next();
        res.setHeader('content-type', 'font/woff2');
        fs.createReadStream(file).pipe(res);
      });
    },
    transform(code, id) {
      if (!id.includes('/@excalidraw/excalidraw/dist/') || !code.includes('https://esm.sh/')) return null;
      const next = code.replace(/`https:\/\/esm\.sh\/[\s\S]*?\/dist\/prod\/`/, `\`\${window.location.origin}${excalidrawAssetsPath}\``);
      if (next.includes('https://esm.sh/')) this.error(`Excalidraw's font fallback URL changed: update excalidrawFonts in vite.config.ts (${id})`);
      return { code: next, map: null };
    },
    writeBundle() {
      fs.cpSync(fontsDir, path.join(outDir, urlPrefix), { recursive: true });
    },
  };
}

export default defineConfig({
  // The installable app (#21): icons rendered from the favicon, the manifest and the service worker (build/pwa.ts).
  // Every text file above 1 KB is also written brotli- and gzip-compressed, once, at build time; the server sends the
  // smaller one the browser accepts (@fastify/static preCompressed, decision 089). A phone on 3G then downloads the
  // entry script at about a third of its size, and the server spends no CPU compressing per request.
  plugins: [i18nCatalogs(), react(), excalidrawFonts(), pwaIconsPlugin(), VitePWA(pwaOptions), compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024 })],
  resolve: {
    // Excalidraw's dependencies resolve React from the root node_modules (18.x, hoisted for them); two Reacts break hooks.
    dedupe: ['react', 'react-dom'],
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy },
  preview: { host: '127.0.0.1', port: 4173, proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Every sheet the first page needs goes into ONE stylesheet, in import order: main.tsx's global sheets (tokens,
          // base, ui/) first, then the features' (decision 041). Left alone, a sheet imported by a component shared with a
          // lazy route lands in a shared chunk, whose <link> Vite puts BEFORE the entry's own, under the global sheets
          // it refines. Lazy routes' sheets (the room, the check, tutors…) still load with their chunks.
          groups: [{ name: 'styles', test: /\.css$/, tags: ['$initial'] }],
        },
      },
    },
  },
});
