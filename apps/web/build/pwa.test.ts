import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { precachedAppFiles, staffRoute } from './pwa';

type Bundle = Parameters<typeof precachedAppFiles>[0];

const src = (name: string) => `/repo/apps/web/src/${name}`;

/** A chunk as Rolldown hands it to generateBundle, with only the fields the precache reads. */
function chunk(fileName: string, o: { modules: string[]; imports?: string[]; dynamicImports?: string[]; entry?: boolean; css?: string[] }) {
  const facade = o.modules[0] ?? null;
  return {
    type: 'chunk',
    fileName,
    isEntry: o.entry ?? false,
    isDynamicEntry: !o.entry && facade !== null && facade.includes('/routes/'),
    facadeModuleId: facade,
    moduleIds: o.modules,
    imports: o.imports ?? [],
    dynamicImports: o.dynamicImports ?? [],
    viteMetadata: { importedCss: new Set(o.css ?? []), importedAssets: new Set() },
  };
}

function bundleOf(...chunks: ReturnType<typeof chunk>[]): Bundle {
  return Object.fromEntries(chunks.map((c) => [c.fileName, c])) as unknown as Bundle;
}

describe('the precache (#21, decision 072)', () => {
  it('keeps the shell and the student and tutor pages, and leaves out the staff pages and what only they import', () => {
    const bundle = bundleOf(
      chunk('assets/index.js', { modules: [src('main.tsx')], entry: true, imports: ['assets/react.js'], dynamicImports: ['assets/my-lessons.js', 'assets/tutor-home.js', 'assets/admin-home.js', 'assets/ops.js', 'assets/courses.js'], css: ['assets/styles.css'] }),
      chunk('assets/react.js', { modules: ['/repo/node_modules/react/index.js'] }),
      chunk('assets/my-lessons.js', { modules: [src('routes/my-lessons.tsx')], imports: ['assets/format.js'] }),
      chunk('assets/tutor-home.js', { modules: [src('routes/tutor-home.tsx')], imports: ['assets/format.js'], dynamicImports: ['assets/board.js'] }),
      chunk('assets/board.js', { modules: [src('features/room/board/board.tsx')], dynamicImports: ['assets/excalidraw.js'] }),
      chunk('assets/excalidraw.js', { modules: ['/repo/node_modules/@excalidraw/excalidraw/dist/index.js'] }),
      // Shared by a student page and a staff page: precached. Shared by staff pages alone: not.
      chunk('assets/format.js', { modules: [src('lib/format.ts')] }),
      chunk('assets/admin-home.js', { modules: [src('routes/admin-home.tsx')], imports: ['assets/format.js', 'assets/charts.js'], dynamicImports: ['assets/guardian-consent-panel.js'], css: ['assets/admin-home.css'] }),
      chunk('assets/ops.js', { modules: [src('routes/ops.tsx')], imports: ['assets/charts.js'] }),
      chunk('assets/charts.js', { modules: [src('features/ops/charts.tsx')] }),
      chunk('assets/guardian-consent-panel.js', { modules: [src('features/admin/guardian-consent-panel.tsx')] }),
      chunk('assets/courses.js', { modules: [src('routes/courses.tsx')] }),
    );
    expect([...precachedAppFiles(bundle)].sort()).toEqual(
      ['assets/board.js', 'assets/format.js', 'assets/index.js', 'assets/my-lessons.js', 'assets/react.js', 'assets/styles.css', 'assets/tutor-home.js'].sort(),
    );
  });

  it('names every admin, ops, LTI and course-staff page of the router as staff, and no student or tutor page', () => {
    for (const page of ['admin-home', 'admin-people', 'admin-billing', 'admin-lti', 'ops', 'courses', 'dev-whatsapp']) expect(staffRoute.test(src(`routes/${page}.tsx`)), page).toBe(true);
    expect(staffRoute.test(src('features/admin/guardian-consent-panel.tsx'))).toBe(true);
    for (const page of ['student-home', 'ask-question', 'my-lessons', 'tutor-home', 'settings', 'offline', 'session', 'classroom', 'support', 'find-tutors', 'guardian']) expect(staffRoute.test(src(`routes/${page}.tsx`)), page).toBe(false);
  });

  it('covers every /admin, /ops and /courses route of the router (app.tsx), so a new staff page is not precached by accident', () => {
    const app = fs.readFileSync(path.join(import.meta.dirname, '../src/app.tsx'), 'utf8');
    const modules = new Map([...app.matchAll(/const (\w+) = lazy\(\(\) => import\('\.\/(routes\/[\w-]+)'\)/g)].map((m) => [m[1]!, m[2]!]));
    const staffPages = [...app.matchAll(/<Route path="\/(?:admin|ops|courses)[^"]*" element=\{<(\w+) \/>\}/g)].map((m) => m[1]!);
    expect(staffPages.length).toBeGreaterThan(10);
    for (const page of staffPages) expect(staffRoute.test(src(`${modules.get(page) ?? `eager ${page}`}.tsx`)), page).toBe(true);
  });
});
