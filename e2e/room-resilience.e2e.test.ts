import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, logIn, type RunningServer, screenshotPath, startServer } from './harness';
import { claimedSession, expectMediaFlowing, mediaRising, openRoom, type Party, waitForTimeline } from './room-helpers';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

const canRun = chromiumAvailable('e2e: room resilience');

/**
 * The tutor's browser reaches the server only through a TCP proxy that the test cuts: every HTTP and Socket.IO
 * connection of that context dies and new ones are refused for a while. Media goes browser to browser (host
 * candidates on loopback), so it should not notice; the room (chat, board, presence) must come back by itself, and a
 * message written during the cut must arrive exactly once. Then the student reloads their page.
 */
describe.skipIf(!canRun)('the live room survives a dropped connection and a reload', () => {
  let proxy: TcpProxy | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let student: Party;
  let tutor: Party;
  let admin: Party;
  let sessionId: string;
  let tutorId: string;
  let studentId: string;

  beforeAll(async () => {
    proxy = await startTcpProxy();
    // The tutor's pages have the proxy's origin: the server must accept it (CSRF and Socket.IO origin checks).
    server = await startServer({ ALLOWED_ORIGINS: proxy.baseUrl });
    proxy.setTarget(Number(new URL(server.baseUrl).port));
    browser = await launchBrowser();
    ({ sessionId, student, tutor } = await claimedSession(browser, server.baseUrl, 'student05@tutorline.test', 'tutor08@tutorline.test', { tutorBaseUrl: proxy.baseUrl }));
    admin = await logIn(browser, server.baseUrl, 'admin@tutorline.test');
    await Promise.all([openRoom(student.page, sessionId), openRoom(tutor.page, sessionId)]);
    await Promise.all([expectMediaFlowing(student.page), expectMediaFlowing(tutor.page)]);
    const session = (await (await admin.page.request.get(`/api/sessions/${sessionId}`)).json()) as { student: { id: string }; tutor: { id: string } };
    studentId = session.student.id;
    tutorId = session.tutor.id;

    // Something in the chat and on the board before anything goes wrong.
    await Promise.all([student.page.getByTestId('tab-chat').click(), tutor.page.getByTestId('tab-chat').click()]);
    await sendChat(student.page, 'Before the trouble: is it x = 5?');
    await chatMessage(tutor.page, 'Before the trouble').waitFor({ timeout: 10_000 });
    await tutor.page.waitForFunction(() => Boolean(window.__tutorlineBoard), undefined, { timeout: 30_000 });
    await student.page.waitForFunction(() => Boolean(window.__tutorlineBoard), undefined, { timeout: 30_000 });
    // The board starts with the question's photo (the tutor's side puts it there by itself); then a rectangle.
    await student.page.waitForFunction(() => window.__tutorlineBoard!.elementCount() === 1, undefined, { timeout: 15_000 });
    await tutor.page.evaluate(() => window.__tutorlineBoard!.addRectangle());
    await student.page.waitForFunction(() => window.__tutorlineBoard!.elementCount() === 2, undefined, { timeout: 10_000 });
    await tutor.page.waitForFunction(() => window.__tutorlineBoard!.elementCount() === 2, undefined, { timeout: 10_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.stop();
  });

  for (const cutMs of [5_000, 60_000]) {
    it(
      `cuts the tutor's network for ${cutMs / 1000} s: the page says it is reconnecting, media keeps flowing, chat and board stay intact, a message sent meanwhile arrives once`,
      async () => {
        const before = await roomContents(student.page, tutor.page);
        const text = `Sent during the ${cutMs / 1000} s cut`;
        const cutStartedAt = Date.now();
        const cut = proxy!.cut(cutMs);

        // The tutor's page notices at once and says so.
        await tutor.page.locator('[data-testid="room"][data-room-status="offline"]').waitFor({ timeout: 5_000 });
        await tutor.page.getByTestId('room-status').waitFor();
        if (cutMs === 5_000) await tutor.page.screenshot({ path: screenshotPath('room-tutor-reconnecting-390x844'), fullPage: true });
        // Written while offline: shown as pending.
        await sendChat(tutor.page, text);
        await tutor.page.locator('[data-testid="chat-message"][data-pending="sending"]', { hasText: text }).waitFor({ timeout: 5_000 });
        // Media does not go through the cut connection: it keeps flowing on both sides.
        await Promise.all([mediaRising(student.page, 3_000), mediaRising(tutor.page, 3_000)]);
        expect(proxy!.cutting).toBe(true);
        if (cutMs > 5_000) {
          // Past every ICE grace period: still flowing, still the same call.
          await tutor.page.waitForTimeout(Math.max(0, cutStartedAt + 20_000 - Date.now()));
          await Promise.all([mediaRising(student.page, 3_000), mediaRising(tutor.page, 3_000)]);
          await tutor.page.waitForFunction(() => window.__tutorlineCall?.state() === 'connected');
        }
        await cut;
        const endedAt = Date.now();

        const [studentAt, tutorAt] = await Promise.all([mediaRising(student.page, 20_000), mediaRising(tutor.page, 20_000)]);
        const mediaMs = Math.max(studentAt, tutorAt) - endedAt;
        await tutor.page.locator('[data-testid="room"][data-room-status="joined"]').waitFor({ timeout: 20_000 });
        const roomMs = Date.now() - endedAt;
        // Delivered once: the tutor's pending bubble becomes a message, and each side has it exactly once.
        await chatMessage(student.page, text).waitFor({ timeout: 15_000 });
        await expect.poll(() => tutor.page.locator('[data-testid="chat-message"][data-pending]').count(), { timeout: 10_000 }).toBe(0);
        const deliveredMs = Date.now() - endedAt;
        console.log(`[resilience] ${cutMs / 1000} s socket cut: media flowing ${mediaMs} ms after the cut ended (student ${studentAt - endedAt} ms, tutor ${tutorAt - endedAt} ms); room rejoined within ${roomMs} ms; the message sent during the cut delivered within ${deliveredMs} ms`);
        expect(mediaMs).toBeLessThan(20_000);
        expect(await chatMessage(student.page, text).count()).toBe(1);
        expect(await chatMessage(tutor.page, text).count()).toBe(1);

        // Nothing lost, nothing doubled.
        const after = await roomContents(student.page, tutor.page);
        expect(after.student.messages).toEqual([...before.student.messages, expect.stringContaining(text)]);
        expect(after.tutor.messages).toEqual(after.student.messages);
        expect(after.student.boardElements).toBe(before.student.boardElements);
        expect(after.tutor.boardElements).toBe(before.tutor.boardElements);
        // The board still syncs both ways.
        await student.page.evaluate(() => window.__tutorlineBoard!.addRectangle());
        await tutor.page.waitForFunction((n) => window.__tutorlineBoard!.elementCount() === n, before.tutor.boardElements + 1, { timeout: 10_000 });

        // The admin timeline shows the tutor leaving with the cut and coming back.
        const events = await waitForTimeline(admin.page, sessionId, (list) => {
          const mine = list.filter((e) => e.userId === tutorId && Date.parse(e.at) >= cutStartedAt);
          const left = mine.findIndex((e) => e.type === 'left');
          return left >= 0 && mine.slice(left + 1).some((e) => e.type === 'joined' || e.type === 'rejoined' || e.type === 'reconnected');
        });
        const seen = events.filter((e) => e.userId === tutorId && Date.parse(e.at) >= cutStartedAt).map((e) => `${e.type}${e.data.reason ? `(${String(e.data.reason)})` : ''}${e.data.recovered !== undefined ? `(recovered=${String(e.data.recovered)})` : ''}`);
        console.log(`[resilience] ${cutMs / 1000} s cut, the tutor's timeline: ${seen.join(', ')}`);
      },
      cutMs + 90_000,
    );
  }

  it('reloads the student page: straight back into the room with the chat and the board, and media flows again', async () => {
    const before = await roomContents(student.page, tutor.page);
    const reloadAt = Date.now();
    await student.page.reload();
    await student.page
      .getByTestId('call-view')
      .waitFor({ timeout: 30_000 })
      .catch(async (error: unknown) => {
        await student.page.screenshot({ path: screenshotPath('room-student-reload-failed-390x844'), fullPage: true });
        console.log(`[resilience] after the reload the student page shows: ${(await student.page.locator('main').innerText()).replace(/\s+/g, ' ').slice(0, 500)}`);
        throw error;
      });
    const inRoomMs = Date.now() - reloadAt;
    // No pre-join: devices were granted, so the reload goes straight back in.
    expect(await student.page.getByTestId('prejoin-join').count()).toBe(0);
    const [studentAt, tutorAt] = await Promise.all([mediaRising(student.page, 30_000), mediaRising(tutor.page, 30_000)]);
    const mediaMs = Math.max(studentAt, tutorAt) - reloadAt;
    console.log(`[resilience] student reload: back in the call view after ${inRoomMs} ms; media flowing ${mediaMs} ms after the reload started (student ${studentAt - reloadAt} ms, tutor ${tutorAt - reloadAt} ms)`);
    expect(mediaMs).toBeLessThan(20_000);

    await student.page.getByTestId('tab-chat').click();
    await student.page.waitForFunction(() => Boolean(window.__tutorlineBoard), undefined, { timeout: 30_000 });
    await expect.poll(async () => (await roomContents(student.page, tutor.page)).student, { timeout: 10_000 }).toEqual(before.student);
    await student.page.screenshot({ path: screenshotPath('room-student-after-reload-390x844'), fullPage: true });

    const events = await waitForTimeline(admin.page, sessionId, (list) => {
      const mine = list.filter((e) => e.userId === studentId && Date.parse(e.at) >= reloadAt - 1_000);
      const left = mine.findIndex((e) => e.type === 'left');
      return left >= 0 && mine.slice(left + 1).some((e) => e.type === 'joined');
    });
    const seen = events.filter((e) => Date.parse(e.at) >= reloadAt - 1_000).map((e) => `${e.userId === studentId ? 'student' : e.userId === tutorId ? 'tutor' : 'admin'}:${e.type}@${Date.parse(e.at) - reloadAt}ms`);
    console.log(`[resilience] reload, timeline: ${seen.join(', ')}`);
  });
});

function chatMessage(page: Page, text: string) {
  return page.locator('[data-testid="chat-message"]:not([data-pending])', { hasText: text });
}

async function sendChat(page: Page, text: string) {
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-send').click();
}

async function roomContents(studentPage: Page, tutorPage: Page) {
  const read = async (page: Page) => ({
    messages: await page.locator('[data-testid="chat-message"]:not([data-pending]) .chat-text').allTextContents(),
    boardElements: await page.evaluate(() => window.__tutorlineBoard?.elementCount() ?? -1),
  });
  return { student: await read(studentPage), tutor: await read(tutorPage) };
}
