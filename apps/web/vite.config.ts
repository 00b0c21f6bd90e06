import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API server; in production it also serves apps/web/dist, so everything stays same-origin.
const apiTarget = 'http://127.0.0.1:3000';

const proxy = {
  '/api': { target: apiTarget },
  '/healthz': { target: apiTarget },
  '/socket.io': { target: apiTarget, ws: true },
};

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy },
  preview: { host: '127.0.0.1', port: 4173, proxy },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
