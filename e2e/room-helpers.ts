import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';
import { logIn } from './harness';

export interface Party {
  context: BrowserContext;
  page: Page;
}

/** Turns the tutor's instant-help switch on from their home page (their socket is what makes them online); every e2e uses this one. */
export async function goOnline(page: Page) {
  const toggle = page.getByTestId('availability-toggle');
  // Read the switch only once the tutor's availability has loaded: while loading it is disabled and shows off, and
  // checking it then clicked it as soon as it was enabled, turning off a tutor who was already on (a CI failure).
  await page.locator('[data-testid="availability-toggle"]:enabled').waitFor();
  if (!(await toggle.isChecked())) await toggle.check();
  // A deadline loop rather than expect.poll, so that this works in a beforeAll too.
  for (const deadline = Date.now() + 10_000; !(await toggle.isChecked()); await page.waitForTimeout(100)) {
    if (Date.now() > deadline) throw new Error('the availability switch did not turn on');
  }
  await page.getByTestId('tutor-feed').waitFor();
}

const questionPhoto = () =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: '#f4f1e8' } })
    .composite([{ input: Buffer.from('<svg width="800" height="600"><text x="60" y="300" font-size="80">3x − 4 = 11</text></svg>'), top: 0, left: 0 }])
    .jpeg()
    .toBuffer();

/**
 * A claimed question's session, made through the real API: the tutor goes online, the student asks with a photo, the
 * tutor accepts. Both are logged in (phone-sized contexts). tutor08/tutor16 teach maths grade 9–10 in the demo data;
 * student01 is under 13 without consent, so use another student. `tutorBaseUrl` logs the tutor in through another
 * address (a proxy in front of the same server); the browsers default to `browser`.
 */
export async function claimedSession(
  browser: Browser,
  baseUrl: string,
  studentEmail: string,
  tutorEmail: string,
  opts: { tutorBaseUrl?: string; studentBrowser?: Browser; tutorBrowser?: Browser } = {},
): Promise<{ sessionId: string; questionId: string; student: Party; tutor: Party }> {
  const tutorBase = opts.tutorBaseUrl ?? baseUrl;
  const tutor = await logIn(opts.tutorBrowser ?? browser, tutorBase, tutorEmail);
  await goOnline(tutor.page);
  const student = await logIn(opts.studentBrowser ?? browser, baseUrl, studentEmail);
  const headers = { origin: baseUrl };
  const up = await student.page.request.post('/api/help/photos', { headers, multipart: { file: { name: 'question.jpg', mimeType: 'image/jpeg', buffer: await questionPhoto() } } });
  expect(up.status()).toBe(201);
  const photoId = ((await up.json()) as { photoId: string }).photoId;
  const asked = await student.page.request.post('/api/help/questions', {
    headers,
    data: { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-9-10', text: 'Solve for x', photoIds: [photoId] },
  });
  expect(asked.status()).toBe(201);
  const questionId = ((await asked.json()) as { id: string }).id;
  await tutor.page.locator(`[data-testid="feed-item"][data-question-id="${questionId}"]`).waitFor({ timeout: 20_000 });
  const accepted = await tutor.page.request.post(`/api/help/questions/${questionId}/accept`, { headers: { origin: tutorBase } });
  expect(accepted.status()).toBe(200);
  const sessionId = ((await accepted.json()) as { sessionId: string }).sessionId;
  return { sessionId, questionId, student, tutor };
}

/** Opens the session's room and waits for the call view (pre-join is skipped when devices are already granted). */
export async function openRoom(page: Page, sessionId: string) {
  await page.goto(`/session/${sessionId}`);
  await enterRoom(page);
}

/**
 * From the room's page into the call view: straight in when the camera and microphone were granted before (the
 * harness's Chromium); otherwise pre-join asks first, so this presses "Turn on camera and microphone", then Join.
 */
export async function enterRoom(page: Page, timeout = 30_000) {
  const callView = page.getByTestId('call-view');
  const allow = page.getByTestId('prejoin-allow');
  const join = page.getByTestId('prejoin-join');
  await callView.or(allow).or(join).waitFor({ timeout });
  if (await allow.isVisible()) {
    await allow.click();
    await callView.or(join).waitFor({ timeout });
  }
  if (await join.isVisible()) await join.click();
  await callView.waitFor({ timeout });
}

export interface MediaStats {
  state: string;
  framesDecoded: number;
  videoBytesReceived: number;
  audioBytesReceived: number;
  audioBytesSent: number;
  videoBytesSent: number;
  /** The selected candidate pair, when there is one. */
  pair: { local: string; remote: string; protocol: string } | null;
  /** Inbound video frame size. */
  frameWidth: number;
  frameHeight: number;
}

/** getStats of the page's current peer connection (window.__tutorlineCall), summed by kind. */
export function mediaStats(page: Page): Promise<MediaStats> {
  return page.evaluate(async () => {
    const call = window.__tutorlineCall;
    const pc = call?.pc();
    const out = { state: call?.state() ?? 'none', framesDecoded: 0, videoBytesReceived: 0, audioBytesReceived: 0, audioBytesSent: 0, videoBytesSent: 0, pair: null as null | { local: string; remote: string; protocol: string }, frameWidth: 0, frameHeight: 0 };
    if (!pc) return out;
    const stats = await pc.getStats();
    const byId = new Map<string, Record<string, unknown>>();
    stats.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
    let selectedPairId: string | undefined;
    stats.forEach((s: Record<string, unknown>) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) selectedPairId = s.selectedCandidatePairId as string;
    });
    stats.forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        out.framesDecoded += Number(s.framesDecoded ?? 0);
        out.videoBytesReceived += Number(s.bytesReceived ?? 0);
        out.frameWidth = Math.max(out.frameWidth, Number(s.frameWidth ?? 0));
        out.frameHeight = Math.max(out.frameHeight, Number(s.frameHeight ?? 0));
      }
      if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audioBytesReceived += Number(s.bytesReceived ?? 0);
      if (s.type === 'outbound-rtp' && s.kind === 'audio') out.audioBytesSent += Number(s.bytesSent ?? 0);
      if (s.type === 'outbound-rtp' && s.kind === 'video') out.videoBytesSent += Number(s.bytesSent ?? 0);
    });
    const pair = selectedPairId ? byId.get(selectedPairId) : undefined;
    if (pair) {
      const local = byId.get(pair.localCandidateId as string);
      const remote = byId.get(pair.remoteCandidateId as string);
      out.pair = { local: String(local?.candidateType), remote: String(remote?.candidateType), protocol: String(local?.relayProtocol ?? local?.protocol) };
    }
    return out;
  });
}

/** Waits until frames are decoded and audio bytes grow on this side: media really flows, not just "connected". */
export async function expectMediaFlowing(page: Page, timeoutMs = 30_000): Promise<MediaStats> {
  const first = await waitFor(page, (s) => s.framesDecoded > 0 && s.audioBytesReceived > 0, timeoutMs);
  const later = await waitFor(page, (s) => s.framesDecoded > first.framesDecoded && s.audioBytesReceived > first.audioBytesReceived, timeoutMs);
  return later;
}

/** Polls mediaStats until `check` holds. */
export async function waitFor(page: Page, check: (s: MediaStats) => boolean, timeoutMs = 30_000): Promise<MediaStats> {
  const deadline = Date.now() + timeoutMs;
  let last: MediaStats | undefined;
  while (Date.now() < deadline) {
    last = await mediaStats(page);
    if (check(last)) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`media stats never matched: ${JSON.stringify(last)}`);
}

/** The test hooks the room page puts on window (features/room/call/peer-call.ts and board/board-canvas.tsx). */
declare global {
  interface Window {
    __tutorlineCall?: { pc(): RTCPeerConnection | null; state(): string };
    __tutorlineBoard?: { elementCount(): number; addRectangle(): void };
  }
}

export interface TimelineEvent {
  id: number;
  at: string;
  userId: string | null;
  type: string;
  data: Record<string, unknown>;
}

/** GET /api/sessions/:id/timeline through a logged-in admin's page (state-changing or not, the API wants an Origin). */
export async function timeline(admin: Page, sessionId: string): Promise<TimelineEvent[]> {
  const origin = new URL(admin.url()).origin;
  const res = await admin.request.get(`/api/sessions/${sessionId}/timeline`, { headers: { origin } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { events: TimelineEvent[] }).events;
}

/** Polls the admin timeline until `check` holds; returns the events. */
export async function waitForTimeline(admin: Page, sessionId: string, check: (events: TimelineEvent[]) => boolean, timeoutMs = 15_000): Promise<TimelineEvent[]> {
  const deadline = Date.now() + timeoutMs;
  let events: TimelineEvent[] = [];
  while (Date.now() < deadline) {
    events = await timeline(admin, sessionId);
    if (check(events)) return events;
    await admin.waitForTimeout(250);
  }
  throw new Error(`the timeline never matched: ${JSON.stringify(events.map((e) => ({ type: e.type, userId: e.userId, data: e.data })))}`);
}

/**
 * Waits until video frames are being decoded right now on this page: two samples `gapMs` apart on the same peer
 * connection with framesDecoded growing. Resolves with the time at which that was seen.
 */
export async function mediaRising(page: Page, timeoutMs = 30_000, gapMs = 200): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let a = await mediaStats(page);
  let b = a;
  while (Date.now() < deadline) {
    await page.waitForTimeout(gapMs);
    b = await mediaStats(page);
    if (a.framesDecoded > 0 && b.framesDecoded > a.framesDecoded) return Date.now();
    a = b;
  }
  throw new Error(`video frames never rose: ${JSON.stringify(b)}`);
}

/**
 * Presses a call control: mute, camera and leave are on the bar; the others are in the "More" menu, opened first
 * when the control is not on screen.
 */
export async function pressCallControl(page: Page, testId: string) {
  const control = page.getByTestId(testId);
  if (!(await control.isVisible())) await page.getByTestId('btn-more').click();
  await control.click();
}

/** Whether a call control is on: aria-pressed on the bar, aria-checked in the More menu (opened to read it, then closed). */
export async function callControlOn(page: Page, testId: string): Promise<boolean> {
  const control = page.getByTestId(testId);
  const opened = !(await control.isVisible());
  if (opened) await page.getByTestId('btn-more').click();
  const on = ((await control.getAttribute('aria-pressed')) ?? (await control.getAttribute('aria-checked'))) === 'true';
  if (opened) await page.keyboard.press('Escape');
  return on;
}
