import { launch, type LaunchedChrome } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumAvailable, chromiumPath, DEMO_PASSWORD, type RunningServer, startServer } from './harness';

const canRun = chromiumAvailable('e2e: Lighthouse accessibility (#21)');

/** The pages the issue names: the landing page, log-in, and the student's home and ask pages. */
const pages = [
  { path: '/', student: false },
  { path: '/login', student: false },
  { path: '/student', student: true },
  { path: '/student/ask', student: true },
];

/** A demo student's session cookie, from the real log-in endpoint. */
async function studentCookie(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ email: 'student15@tutorline.test', password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

describe.skipIf(!canRun)('Lighthouse 12.2.3 accessibility in mobile mode: 100 on the landing, log-in, student home and ask pages (#21)', () => {
  let server: RunningServer | undefined;
  let chrome: LaunchedChrome | undefined;
  beforeAll(async () => {
    server = await startServer();
    // Lighthouse drives Chromium over its debugging port (chrome-launcher), the Debian build the other e2e files use.
    chrome = await launch({ chromePath: chromiumPath, chromeFlags: chromiumArgs.filter((a) => !a.startsWith('--use-fake')) });
  });
  afterAll(async () => {
    chrome?.kill();
    await server?.stop();
  });

  it('scores 100 on each page; a failing audit is named with its elements', async () => {
    const baseUrl = server!.baseUrl;
    const cookie = await studentCookie(baseUrl);
    const scores: Record<string, number | null> = {};
    const failing: string[] = [];
    for (const { path, student } of pages) {
      const result = await lighthouse(
        `${baseUrl}${path}`,
        { port: chrome!.port, onlyCategories: ['accessibility'], output: 'json', logLevel: 'error', ...(student ? { extraHeaders: { Cookie: cookie } } : {}) },
        undefined,
      );
      const lhr = result!.lhr;
      expect(lhr.runtimeError, `${path}: ${lhr.runtimeError?.message}`).toBeUndefined();
      expect(lhr.finalDisplayedUrl).toBe(`${baseUrl}${path}`);
      scores[path] = lhr.categories.accessibility!.score;
      for (const ref of lhr.categories.accessibility!.auditRefs) {
        const audit = lhr.audits[ref.id]!;
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          const items = ((audit.details as { items?: { node?: { selector?: string } }[] } | undefined)?.items ?? []).map((i) => i.node?.selector ?? '').slice(0, 5);
          failing.push(`${path}: ${ref.id} (${audit.title}) ${items.join(', ')}`);
        }
      }
    }
    console.log('lighthouse accessibility scores', scores);
    expect(failing, failing.join('\n')).toEqual([]);
    expect(scores).toEqual(Object.fromEntries(pages.map((p) => [p.path, 1])));
  });
});
