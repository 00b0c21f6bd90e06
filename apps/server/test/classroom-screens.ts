/**
 * Screenshots of /classes/:id/room (issue #15): a student at 360 px and the teacher at 1280 px, against the built web
 * app and an in-process server whose class ports are the tests' stand-ins. Run: TZ=UTC npx tsx apps/server/test/classroom-screens.ts
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
const tutorClient = new Client(t.baseUrl);
const tutor = await signUpTutor(tutorClient, { displayName: 'Ms Rivera' });
const names = ['Asha', 'Ben', 'Chen'];
const students = [];
for (const n of names) {
  const c = new Client(t.baseUrl);
  students.push({ ...(await signUpStudent(c, { displayName: n })), client: c });
}
const now = t.app.clock.now().getTime();
const cls = fake.addClass({ tutorId: tutor.user.id, learners: students.map((s) => s.user.id), roomOpensAt: new Date(now - 60_000), endsAt: new Date(now + 3_600_000) });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
async function open(email: string, width: number, height: number) {
  const ctx = await browser.newContext({ viewport: { width, height }, baseURL: t.baseUrl });
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
  const teacher = await open(tutor.email, 1280, 900);
  const pages = [];
  for (const s of students) pages.push(await open(s.email, 360, 780));
  await teacher.getByRole('button', { name: 'Mute all' }).click();
  await pages[1]!.getByRole('button', { name: 'Raise hand' }).click();
  await pages[0]!.getByRole('button', { name: 'Raise hand' }).click();
  await teacher.getByLabel('Poll question').fill('Which fraction is bigger?');
  await teacher.getByLabel('Options, one per line').fill('1/2\n2/3\nThey are equal');
  await teacher.getByRole('button', { name: 'Ask' }).click();
  const s0 = pages[0]!;
  await s0.getByRole('button', { name: 'Chat' }).click();
  await s0.getByLabel('Private question').check();
  await s0.getByLabel('Message').fill('Is step 2 the common denominator?');
  await s0.getByRole('button', { name: 'Send' }).click();
  await s0.getByRole('button', { name: 'Unmute' }).click();
  await s0.getByText('The teacher muted you').waitFor();
  await teacher.getByText('Is step 2 the common denominator?').waitFor();
  await s0.getByRole('button', { name: 'People' }).click();
  await s0.screenshot({ path: `${out}/classroom-student-360.png`, fullPage: true });
  await s0.getByRole('button', { name: 'Polls' }).click();
  await s0.getByText('Which fraction is bigger?').waitFor();
  await s0.screenshot({ path: `${out}/classroom-student-360-polls.png`, fullPage: true });
  await teacher.getByTestId('class-hands').waitFor();
  await teacher.waitForTimeout(1500); // the board's canvas paints
  await teacher.screenshot({ path: `${out}/classroom-teacher-1280.png`, fullPage: true });
  console.log('screenshots in', out);
} finally {
  await browser.close();
  await t.close();
  await database.close();
}
