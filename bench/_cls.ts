import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath, startServer, logIn } from '../e2e/harness';
const server = await startServer();
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
const { page } = await logIn(browser, server.baseUrl, 'student15@tutorline.test');
await page.route('**/api/**', async (route) => { await new Promise((r) => setTimeout(r, 600)); await route.continue(); });
for (const p of ['/student', '/student/ask']) {
  await page.addInitScript(() => {
    (window as any).__shifts = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries() as any[]) (window as any).__shifts.push({ v: Math.round(e.value * 1000) / 1000, t: Math.round(e.startTime), src: e.sources?.map((s: any) => `${s.node?.nodeName}.${s.node?.className ?? ''} ${s.previousRect.y}->${s.currentRect.y} h ${s.previousRect.height}->${s.currentRect.height}`) }); }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(server.baseUrl + p);
  await page.waitForTimeout(5000); console.log(await page.evaluate(() => [...document.querySelectorAll('.card')].map((c) => c.className + ' ' + Math.round(c.getBoundingClientRect().top) + ' h' + Math.round(c.getBoundingClientRect().height)).join(' | ')));
  const shifts = await page.evaluate(() => (window as any).__shifts);
  console.log(p, 'total', shifts.reduce((a: number, s: any) => a + s.v, 0), JSON.stringify(shifts, null, 1).slice(0, 1500));
}
await browser.close(); await server.stop(); process.exit(0);
