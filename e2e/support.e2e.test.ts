import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { io, type Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, phone, screenshotPath, useServerAndBrowser } from './harness';
import { goOnline } from './room-helpers';

/** An instant-help question from the student, accepted by the tutor: the session id. */
async function instantSession(student: Page, tutor: Page, headers: Record<string, string>): Promise<string> {
  await goOnline(tutor);
  const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#f4f1e8' } }).jpeg().toBuffer();
  const up = await student.request.post('/api/help/photos', { headers, multipart: { file: { name: 'q.jpg', mimeType: 'image/jpeg', buffer: photo } } });
  expect(up.status()).toBe(201);
  const asked = await student.request.post('/api/help/questions', {
    headers,
    data: { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-9-10', photoIds: [((await up.json()) as { photoId: string }).photoId] },
  });
  expect(asked.status()).toBe(201);
  const questionId = ((await asked.json()) as { id: string }).id;
  await tutor.locator(`[data-testid="feed-item"][data-question-id="${questionId}"]`).waitFor({ timeout: 20_000 });
  const accepted = await tutor.request.post(`/api/help/questions/${questionId}/accept`, { headers });
  expect(accepted.status()).toBe(200);
  return ((await accepted.json()) as { sessionId: string }).sessionId;
}

/** A socket with a page's session cookie, as the room's client would open it. */
async function roomSocket(page: Page, baseUrl: string): Promise<Socket> {
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const socket = io(baseUrl, { transports: ['websocket'], extraHeaders: { cookie, origin: baseUrl }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('session:ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** A /check run on a network where the relay over UDP is blocked. */
const checkReport = {
  camera: { status: 'pass', detail: 'Camera works.' },
  microphone: { status: 'pass', detail: 'We heard you.', peakLevel: 0.4 },
  speaker: { status: 'pass', detail: 'You heard the tone.' },
  stun: { status: 'pass', detail: 'Public address seen.', publicAddressSeen: true, ms: 40 },
  turnUdp: { status: 'fail', detail: 'Relay over UDP is blocked.', ms: null },
  turnTcp: { status: 'pass', detail: 'Relay over TCP works.', ms: 300 },
  uploadKbps: 900,
  downloadKbps: 3000,
  diagnostics: { browser: 'Chrome 131', os: 'Android 14', device: 'phone', userAgent: 'Mozilla/5.0 (Linux; Android 14)' },
};

const canRun = chromiumAvailable('e2e: report a problem after a call, and support answers');

describe.skipIf(!canRun)('support: a student reports a problem after a call; support finds it with the call’s details and answers', () => {
  const env = useServerAndBrowser();

  // Reporting a problem after a call, support's answer and the student reading it: e2e/ops-journey.e2e.test.ts (step 4).

  it('support finds a student by phone, opens their timeline and the failed call, and sees why: ICE failed, relay only', async () => {
    const baseUrl = env.server().baseUrl;
    const headers = { origin: baseUrl };
    const student = await logIn(env.browser(), baseUrl, 'student11@tutorline.test');
    const tutor = await logIn(env.browser(), baseUrl, 'tutor08@tutorline.test');
    // The parent gives support the phone number on the account.
    expect((await student.page.request.patch('/api/me', { headers, data: { phone: '+919812345611' } })).status()).toBe(200);
    const sessionId = await instantSession(student.page, tutor.page, headers);

    // What the student's browser reports on a network that allows only the TURN relay, where ICE then fails; the
    // tutor joins but never connects. Sent through the real socket, its role check and its schema.
    const [s, t] = [await roomSocket(student.page, baseUrl), await roomSocket(tutor.page, baseUrl)];
    for (const socket of [s, t]) expect(await socket.emitWithAck('room:join', { sessionId })).toMatchObject({ ok: true });
    const report = (event: Record<string, unknown>) => s.emitWithAck('room:event', { sessionId, ...event });
    expect(await report({ type: 'diagnostics', diagnostics: { browser: 'Chrome 131', os: 'Android 14', device: 'phone', userAgent: 'Mozilla/5.0 (Linux; Android 14)' } })).toMatchObject({ ok: true });
    expect(await report({ type: 'media-connected', localCandidateType: 'relay', remoteCandidateType: 'relay', protocol: 'tcp', setupMs: 6100 })).toMatchObject({ ok: true });
    expect(await report({ type: 'reconnecting', cause: 'ice-failed' })).toMatchObject({ ok: true });
    expect(await report({ type: 'media-failed', reason: 'ice-failed' })).toMatchObject({ ok: true });
    for (const socket of [s, t]) socket.disconnect();
    expect((await tutor.page.request.post(`/api/sessions/${sessionId}/end`, { headers })).status()).toBe(200);
    // The student then runs /check (TURN over UDP fails on this network) and reports the problem: both are theirs.
    const check = await student.page.request.post('/api/check/reports', { headers, data: checkReport });
    expect(check.status()).toBe(201);
    const checkCode = ((await check.json()) as { id: string }).id;
    const ticket = await student.page.request.post('/api/support/tickets', {
      headers,
      data: { sessionId, areas: ['video', 'join'], device: 'phone', network: 'school', workedBefore: 'no', description: 'words only support reads on the ticket', checkReportId: checkCode },
    });
    expect(ticket.status()).toBe(201);
    const ticketRef = ((await ticket.json()) as { ref: string }).ref;

    // Support (the support role alone, least privilege), on a phone: search by the number as the parent says it, open
    // the timeline, open the failed call.
    const admin = await logIn(env.browser(), baseUrl, 'support@tutorline.test');
    await admin.page.setViewportSize(phone);
    await admin.page.goto('/admin/support');
    await admin.page.getByRole('link', { name: 'Find a person' }).click();
    await admin.page.getByTestId('support-search-input').fill('98123 45611');
    const found = admin.page.getByTestId('support-person');
    await expect.poll(() => found.count()).toBe(1);
    expect(await found.textContent()).toContain('+919812345611');
    await found.getByRole('link').click();
    await admin.page.getByTestId('person-timeline').waitFor();
    const call = admin.page.getByTestId('timeline-session').first();
    expect(await call.textContent()).toContain('relay only');
    expect(await call.getAttribute('class')).toContain('is-problem');
    // The /check report (by its code) and the ticket (by its ref), each linked, and the call's notices, with words.
    const checkEntry = admin.page.getByTestId('timeline-check').first();
    expect(await checkEntry.textContent()).toContain(`report ${checkCode}`);
    expect(await checkEntry.textContent()).toContain('turnUdp fail');
    expect(await checkEntry.getByRole('link').getAttribute('href')).toBe(`/admin/check/${checkCode}`);
    const ticketEntry = admin.page.getByTestId('timeline-ticket').first();
    expect(await ticketEntry.textContent()).toContain(`Ticket ${ticketRef}: video, join`);
    expect(await ticketEntry.textContent()).toContain('open');
    expect(await admin.page.getByTestId('person-timeline').textContent()).not.toContain('words only support reads');
    expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await admin.page.screenshot({ path: screenshotPath('support-timeline-390x844'), fullPage: true });
    await admin.page.setViewportSize({ width: 1280, height: 800 });
    await admin.page.screenshot({ path: screenshotPath('support-timeline-1280x800'), fullPage: true });
    await admin.page.setViewportSize(phone);
    await ticketEntry.getByRole('link').click();
    await admin.page.getByTestId('admin-ticket').waitFor();
    expect(await admin.page.getByTestId('admin-ticket').textContent()).toContain(ticketRef);
    await admin.page.goBack();
    await admin.page.getByTestId('person-timeline').waitFor();
    await call.getByRole('link').click();
    const findings = admin.page.getByTestId('session-findings');
    await findings.waitFor();
    expect(await findings.textContent()).toContain('ICE failed once');
    expect(await findings.textContent()).toContain('only relay candidates worked');
    expect(await admin.page.getByTestId('session-side-student').textContent()).toContain('relay');
    expect(await admin.page.getByTestId('session-side-tutor').textContent()).toContain('never connected');
    // One column at phone width: nothing wider than the screen.
    expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await admin.page.screenshot({ path: screenshotPath('support-session-390x844'), fullPage: true });

    // No money for support: the billing page says which roles it needs, and nothing of it loads.
    await admin.page.goto('/admin/billing');
    await admin.page.getByText(/This needs one of the staff roles: .*finance/).first().waitFor();

    for (const c of [student, tutor, admin]) await c.context.close();
  });
});
