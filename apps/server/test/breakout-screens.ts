/**
 * Screenshots of breakout rooms (issue #15, decision 050): a student at 390 px in Group 2 with the teacher's broadcast,
 * the teacher's panel at 390 px (choosing groups, then running). Built web app, in-process server, the tests' class
 * stand-ins. Run: npm run build --silent && TZ=UTC npx tsx apps/server/test/breakout-screens.ts
 */
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { provideFakePorts } from '../src/modules/classroom/classroom.testkit';
import { openDatabase } from '../src/platform/db';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, testPassword } from './app';
import { freePort } from './net';

const out = 'test-results/e2e';
fs.mkdirSync(out, { recursive: true });
const database = await openDatabase({ kind: 'pglite-memory' });
const port = await freePort();
const t = await startTestApp(database, { login: relaxedLogin, port, allowedOrigins: [`http://127.0.0.1:${port}`] });
const fake = provideFakePorts(t.app.fastify.platform.ports);
const tutor = await signUpTutor(new Client(t.baseUrl), { displayName: 'Ms Rivera' });
const students = [];
for (const n of ['Asha', 'Ben', 'Chen', 'Dara']) students.push(await signUpStudent(new Client(t.baseUrl), { displayName: n }));
const now = t.app.clock.now().getTime();
const cls = fake.addClass({ tutorId: tutor.user.id, learners: students.map((s) => s.user.id), roomOpensAt: new Date(now - 60_000), endsAt: new Date(now + 3_600_000) });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
async function open(email: string) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: t.baseUrl });
  const login = new Client(t.baseUrl);
  await login.logIn(email, testPassword);
  const [name, value] = login.cookie.split('=') as [string, string];
  await ctx.addCookies([{ name, value, url: t.baseUrl }]);
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(`/classes/${cls.id}/room`);
  await page.getByTestId('classroom').waitFor();
  return page;
}
try {
  const teacher = await open(tutor.email);
  const pages = [];
  for (const s of students) pages.push(await open(s.email));
  const panel = teacher.getByTestId('class-breakout');
  await panel.getByText('I choose').click();
  const selects = panel.locator('select');
  await selects.nth(0).waitFor();
  for (let i = 0; i < 4; i++) await selects.nth(i).selectOption(String((i % 2) + 1));
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: `${out}/breakout-teacher-choose-390.png` });
  await panel.getByRole('button', { name: 'Open 2 rooms' }).click();
  await panel.getByRole('button', { name: 'Bring everyone back' }).waitFor();
  await panel.getByLabel('Message to every group').fill('Five minutes left: write your answer on the board');
  await panel.getByRole('button', { name: 'Broadcast' }).click();
  await panel.getByRole('button', { name: 'Visit' }).nth(1).click();
  await panel.getByText('you are here').waitFor();
  await panel.screenshot({ path: `${out}/breakout-teacher-running-390.png` });
  const s1 = pages[1]!;
  await s1.getByTestId('class-breakout-broadcast').waitFor();
  await s1.getByText('You are in Group 2').waitFor();
  await s1.screenshot({ path: `${out}/breakout-student-390.png` });
  await panel.getByRole('button', { name: 'Bring everyone back' }).click();
  await s1.getByTestId('class-breakout-banner').waitFor({ state: 'detached' });
  console.log('screenshots in', out);
} finally {
  await browser.close();
  await t.close();
  await database.close();
}
