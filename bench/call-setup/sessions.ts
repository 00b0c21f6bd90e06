import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { apiClient } from './app';

// The two people of a call, through the real API: shared by call-setup.bench.ts and phone.bench.ts.

export const STUDENT = 'student02@tutorline.test';
export const TUTOR = 'tutor08@tutorline.test'; // teaches maths grade 9–10 in the demo data
const PASSWORD = 'tutorline-demo';

export interface CallParties {
  studentCookie: string;
  tutorCookie: string;
  /** The student asks a maths question with a photo and the tutor accepts it: the new session's id. */
  claimedSession(): Promise<string>;
  /** Ends the session, so the tutor is free for the next one. */
  endSession(id: string): Promise<void>;
}

/** A demo user's session cookie ("tl_session=…") from the real log-in endpoint. */
export async function logIn(appUrl: string, email: string): Promise<string> {
  const r = await apiClient(appUrl)('POST', '/api/auth/login', { json: { email, password: PASSWORD } });
  if (r.status !== 200) throw new Error(`login ${email} answered ${r.status}: ${r.text}`);
  const c = r.setCookie.map((s) => s.split(';')[0]!).find((s) => s.startsWith('tl_session='));
  if (!c) throw new Error(`login ${email} set no tl_session cookie`);
  return c;
}

export async function callParties(appUrl: string): Promise<CallParties> {
  const api = apiClient(appUrl);
  const logIn_ = (email: string) => logIn(appUrl, email);
  const studentCookie = await logIn_(STUDENT);
  const tutorCookie = await logIn_(TUTOR);
  // The tutor has no socket here: reachable for questions only when notified while offline.
  const available = await api('PUT', '/api/help/availability', { cookie: tutorCookie, json: { online: true, notifyWhenOffline: true } });
  if (available.status !== 200) throw new Error(`availability answered ${available.status}: ${available.text}`);
  const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#f4f1e8' } })
    .composite([{ input: Buffer.from('<svg width="800" height="600"><text x="60" y="300" font-size="80">3x − 4 = 11</text></svg>'), top: 0, left: 0 }])
    .jpeg()
    .toBuffer();
  const claimedSession = async (): Promise<string> => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'question.jpg');
    const up = await api('POST', '/api/help/photos', { cookie: studentCookie, form });
    if (up.status !== 201) throw new Error(`photo upload answered ${up.status}: ${up.text}`);
    const asked = await api('POST', '/api/help/questions', {
      cookie: studentCookie,
      json: { requestId: randomUUID(), subjectId: 'maths', level: 'grade-9-10', text: 'Solve for x', photoIds: [up.json.photoId] },
    });
    if (asked.status !== 201) throw new Error(`ask answered ${asked.status}: ${asked.text}`);
    // A tutor may claim only a question they were offered: wait for the wave (their read of it stops being a 404).
    for (let tries = 0; (await api('GET', `/api/help/questions/${asked.json.id}`, { cookie: tutorCookie })).status !== 200; tries++) {
      if (tries > 200) throw new Error('the question was never offered to the tutor');
      await new Promise((r) => setTimeout(r, 50));
    }
    const accepted = await api('POST', `/api/help/questions/${asked.json.id}/accept`, { cookie: tutorCookie });
    if (accepted.status !== 200) throw new Error(`accept answered ${accepted.status}: ${accepted.text}`);
    return accepted.json.sessionId as string;
  };
  const endSession = async (id: string) => {
    const r = await api('POST', `/api/sessions/${id}/end`, { cookie: tutorCookie });
    if (r.status !== 200) throw new Error(`ending session ${id} answered ${r.status}: ${r.text}`);
  };
  return { studentCookie, tutorCookie, claimedSession, endSession };
}
