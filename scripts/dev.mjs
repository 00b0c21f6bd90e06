#!/usr/bin/env node
// `npm run dev`: the API server with --watch, and the Vite dev server with hot reload (proxying /api and /socket.io).
import { spawn } from 'node:child_process';
import path from 'node:path';

// The server runs from the repository root, so DATA_DIR=./data means ./data here as with `npm start`.
const root = path.resolve(import.meta.dirname, '..');
const children = [
  spawn(process.execPath, ['--import', 'tsx', '--watch', 'apps/server/src/main.ts'], { cwd: root, stdio: 'inherit' }),
  spawn('npm', ['run', 'dev', '-w', '@tutorline/web'], { stdio: 'inherit' }),
];
const stop = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => { stop(); process.exitCode = code ?? 0; });
