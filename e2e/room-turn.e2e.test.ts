import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser } from 'playwright-core';
import { type RunningCoturn, coturnAvailable, startCoturn } from './coturn';
import { chromiumAvailable, launchBrowser, logIn, type RunningServer, startServer } from './harness';
import { claimedSession, expectMediaFlowing, openRoom, waitForTimeline } from './room-helpers';

const canRun = chromiumAvailable('e2e: room over TURN') && coturnAvailable('e2e: room over TURN');

/**
 * A real call forced through a real coturn (ICE_TRANSPORT_POLICY=relay), once with only the UDP relay offered and once
 * with only the TCP one: media flows both ways and both sides' selected pair is a relay of that protocol.
 */
describe.skipIf(!canRun)('the live room through a TURN relay only', () => {
  let coturn: RunningCoturn | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    coturn = await startCoturn();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await coturn?.stop();
  });

  const cases = [
    { protocol: 'udp', student: 'student03@tutorline.test', tutor: 'tutor08@tutorline.test', url: (c: RunningCoturn) => c.turnUdpUrl },
    { protocol: 'tcp', student: 'student04@tutorline.test', tutor: 'tutor16@tutorline.test', url: (c: RunningCoturn) => c.turnTcpUrl },
  ] as const;

  for (const c of cases) {
    it(`connects a call over TURN/${c.protocol} alone, relay on both sides, and the admin timeline says so`, async () => {
      let server: RunningServer | undefined;
      try {
        server = await startServer({ TURN_URLS: c.url(coturn!), TURN_SECRET: coturn!.secret, ICE_TRANSPORT_POLICY: 'relay' });
        const { sessionId, student, tutor } = await claimedSession(browser!, server.baseUrl, c.student, c.tutor);
        await Promise.all([openRoom(student.page, sessionId), openRoom(tutor.page, sessionId)]);
        const [atStudent, atTutor] = await Promise.all([expectMediaFlowing(student.page), expectMediaFlowing(tutor.page)]);
        expect(atStudent.pair).toEqual({ local: 'relay', remote: 'relay', protocol: c.protocol });
        expect(atTutor.pair).toEqual({ local: 'relay', remote: 'relay', protocol: c.protocol });

        const admin = await logIn(browser!, server.baseUrl, 'admin@tutorline.test');
        const events = await waitForTimeline(admin.page, sessionId, (list) => list.filter((e) => e.type === 'media-connected').length >= 2);
        for (const e of events.filter((x) => x.type === 'media-connected')) {
          expect(e.data).toMatchObject({ localCandidateType: 'relay', protocol: c.protocol });
        }
        await Promise.all([admin.context.close(), student.context.close(), tutor.context.close()]);
      } catch (error) {
        if (coturn) console.log(`[turn] coturn output (tail):\n${coturn.output().slice(-2000)}`);
        throw error;
      } finally {
        await server?.stop();
      }
    });
  }
});
