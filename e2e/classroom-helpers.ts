import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

/** The classroom's test hook (features/classroom/class-media.ts) and the board's (room/board/board-canvas.tsx). */
declare global {
  interface Window {
    __tutorlineBoard?: { elementCount(): number; addRectangle(): void };
    __tutorlineClassMedia?: { publisher(): RTCPeerConnection | null; subscriber(): RTCPeerConnection | null; streams(): { mid: string; userId: string }[] };
  }
}

export interface ClassPage {
  page: Page;
  userId: string;
  name: string;
}

/** A logged-in context of the given size on the class's room, media joined (fake camera and microphone). */
export async function openClassroom(browser: Browser, baseUrl: string, cookie: string, classId: string, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: baseUrl });
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: baseUrl }]);
  // A shared 2-core machine under load: navigation and waits get room, the media checks keep their own deadlines.
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(90_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(`/classes/${classId}/room`);
  await joinMedia(page);
  return page;
}

/** Presses "Join with camera and microphone" once the classroom is up; on any screen (360 px too) it sits inside its box. */
export async function joinMedia(page: Page) {
  await page.getByTestId('classroom').waitFor({ timeout: 120_000 });
  const button = page.getByRole('button', { name: 'Join with camera and microphone' });
  await button.waitFor();
  const [b, slot] = await Promise.all([button.boundingBox(), page.getByTestId('class-video-slot').boundingBox()]);
  if (!b || !slot) throw new Error('the join button or the video slot has no box');
  const width = page.viewportSize()?.width ?? 0;
  expect([`button ${b.x}..${b.x + b.width}`, b.x >= slot.x && b.x + b.width <= slot.x + slot.width, b.x + b.width <= width]).toEqual([`button ${b.x}..${b.x + b.width}`, true, true]);
  expect(await button.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await button.click();
}

interface RawStats {
  /** Per sender: inbound video stats id → frames decoded, and audio bytes received. */
  users: Record<string, { frames: Record<string, number>; audioBytes: number }>;
  /** Audio bytes this page's publishing connection sent. */
  audioSent: number;
}

/** getStats of the page's class connections, labelled by sender through the server's mid → user list. */
function rawStats(page: Page): Promise<RawStats> {
  return page.evaluate(async () => {
    const hook = window.__tutorlineClassMedia;
    const out: RawStats = { users: {}, audioSent: 0 };
    const sub = hook?.subscriber();
    const streams = hook?.streams() ?? [];
    if (sub)
      (await sub.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp') return;
        const who = streams.find((x) => x.mid === s.mid);
        if (!who) return;
        const u = (out.users[who.userId] ??= { frames: {}, audioBytes: 0 });
        if (s.kind === 'video') u.frames[s.id as string] = Number(s.framesDecoded ?? 0);
        else u.audioBytes += Number(s.bytesReceived ?? 0);
      });
    const pub = hook?.publisher();
    if (pub)
      (await pub.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'outbound-rtp' && s.kind === 'audio') out.audioSent += Number(s.bytesSent ?? 0);
      });
    return out;
  });
}

/** The page's media state in one line, for a failure's message. */
function pageMedia(page: Page): Promise<string> {
  return page.evaluate(() => {
    const hook = window.__tutorlineClassMedia;
    const grid = document.querySelector('[data-testid="class-video-grid"]')?.getAttribute('data-status') ?? 'no grid';
    const pc = (x: RTCPeerConnection | null | undefined) => (x ? `${x.connectionState}/${x.iceConnectionState}` : 'none');
    return `grid ${grid}, publisher ${pc(hook?.publisher())}, subscriber ${pc(hook?.subscriber())}, streams ${JSON.stringify(hook?.streams() ?? [])}`;
  });
}

/**
 * What one page decodes and receives, per sender, over the whole test: frames are summed over every inbound stream
 * ever seen for a sender (a reload or a group change brings new streams; the old ones' counts are kept).
 */
export class MediaMeter {
  private readonly frames = new Map<string, Map<string, number>>();
  private audio = new Map<string, number>();
  audioSent = 0;
  constructor(readonly page: Page) {}

  async sample() {
    const s = await rawStats(this.page);
    for (const [userId, u] of Object.entries(s.users)) {
      const seen = this.frames.get(userId) ?? new Map<string, number>();
      // A stats id carries its SSRC, new for every new stream (Janus picks them at random).
      for (const [id, n] of Object.entries(u.frames)) seen.set(id, Math.max(seen.get(id) ?? 0, n));
      this.frames.set(userId, seen);
    }
    this.audio = new Map(Object.entries(s.users).map(([userId, u]) => [userId, u.audioBytes]));
    this.audioSent = s.audioSent;
    return this;
  }

  framesOf(userId: string): number {
    return [...(this.frames.get(userId)?.values() ?? [])].reduce((a, b) => a + b, 0);
  }

  audioOf(userId: string): number {
    return this.audio.get(userId) ?? 0;
  }

  /** Polls until `check` holds; the error names what was last seen. */
  async until(what: string, check: (m: MediaMeter) => boolean, timeoutMs = 30_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.sample();
      if (check(this)) return this;
      if (Date.now() > deadline) throw new Error(`${what}: never happened (${await pageMedia(this.page)}; frames ${JSON.stringify(Object.fromEntries([...this.frames].map(([u, m]) => [u, [...m.values()]])))}, audio ${JSON.stringify(Object.fromEntries(this.audio))}, sent ${this.audioSent})`);
      await this.page.waitForTimeout(200);
    }
  }

  /** Waits until this sender's decoded frames grow by `by` from now: video is being decoded at this moment. */
  async framesGrow(userId: string, what: string, by = 10, timeoutMs = 30_000): Promise<number> {
    await this.sample();
    const from = this.framesOf(userId);
    await this.until(what, (m) => m.framesOf(userId) >= from + by, timeoutMs);
    return this.framesOf(userId);
  }
}

/**
 * Sends the microphone despite the page's muted state (as a tampered client would): a fresh microphone track on the
 * publishing connection's audio sender. Only the server's moderation at Janus can stop it now.
 */
export function forceMicrophone(page: Page): Promise<void> {
  return page.evaluate(async () => {
    const pc = window.__tutorlineClassMedia?.publisher();
    const audio = pc?.getTransceivers().find((t) => t.receiver.track.kind === 'audio');
    if (!audio) throw new Error('no audio sender');
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    await audio.sender.replaceTrack(mic.getAudioTracks()[0]!);
  });
}
