import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { classBody } from '../src/modules/classes/classes.test-support';
import { adminClient, Client, staffClient, type TestApp } from './app';
import { askQuestion, jpegBytes, makeStudent, makeTutor } from './help';
import { schema } from './schema';
import type { SocketPool } from './sockets';
import type { Actor, ObjectKind, StaffIds } from './access-matrix.routes';

/** An object of the matrix: its id, and who owns it and who is the other party (when someone is). */
export interface MatrixObject {
  id: string;
  owner?: Client;
  party?: Client;
}

export interface MatrixWorld {
  actors: Record<Exclude<Actor, 'owner' | 'party'>, Client>;
  objects: Record<ObjectKind, MatrixObject>;
  staffIds: StaffIds;
  /** The second id of a route with two (the chat photo of /api/sessions/{id}/photos/{photoId}). */
  photoId: string;
}

async function upload(baseUrl: string, path: string, cookie: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await jpegBytes())], { type: 'image/jpeg' }), 'photo.jpg');
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', body: form, headers: { cookie } });
  const body = (await res.json()) as { id?: string; photoId?: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body;
}

/** A self-test that passed everything but STUN. */
const checkReport = {
  camera: { status: 'pass', detail: 'ok' },
  microphone: { status: 'pass', detail: 'ok', peakLevel: 0.4 },
  speaker: { status: 'pass', detail: 'ok' },
  stun: { status: 'fail', detail: 'No public address.', publicAddressSeen: false, ms: null },
  turnUdp: { status: 'pass', detail: 'Relay over UDP works.', ms: 90 },
  turnTcp: { status: 'pass', detail: 'Relay over TCP works.', ms: 120 },
  uploadKbps: 2000,
  downloadKbps: 8000,
  diagnostics: { browser: 'Chrome 140', os: 'Android 14', device: 'phone', userAgent: 'x' },
};

const created = (res: { status: number; text: string; json: any }, status = 201) => {
  expect(res.status, res.text).toBe(status);
  return res.json;
};

/**
 * One student (the owner of the student's objects) and one tutor (the other party, and the owner of the tutor's
 * objects), with a question claimed into a session, bookings, a checkout, a class, a support ticket, a safety report,
 * and a tutor applicant with a document. The other actors own nothing here.
 */
export async function makeMatrixWorld(t: TestApp, sockets: SocketPool): Promise<MatrixWorld> {
  const cs = [{ subjectId: 'computer-science', level: 'grade-11-12' }];
  const owner = await makeStudent(t);
  const tutor = await makeTutor(t, { subjects: cs, sockets });
  const otherStudent = await makeStudent(t);
  const otherTutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-6-8' }] });
  // A tutor for ops's standing routes (suspend, probation...), so the tutor of the student's objects stays active.
  const managed = await makeTutor(t, { subjects: cs });
  const applicant = await makeTutor(t, { subjects: cs, approved: false });
  const [ops, support, finance, admin] = [await staffClient(t, ['ops']), await staffClient(t, ['support']), await staffClient(t, ['finance']), await adminClient(t)];
  const grantee = await staffClient(t, ['support']);
  const anon = new Client(t.baseUrl);

  // A question the tutor claims: a session, with a photo in its chat.
  const q = await askQuestion(t, owner, 'computer-science', 'grade-11-12');
  await tutor.events!.first('help:question', q.id);
  const sessionId = created(await tutor.client.post(`/api/help/questions/${q.id}/accept`), 200).sessionId as string;
  const chat = await upload(t.baseUrl, `/api/sessions/${sessionId}/photos`, tutor.client.cookie);

  // Bookings of the owner with the tutor: confirmed, held (with a checkout), completed, and one of a series.
  const now = t.app.clock.now().getTime();
  const day = 86_400_000;
  const booking = (offsetDays: number, over: Partial<typeof schema.bookings.$inferInsert> = {}) => ({
    tutorId: tutor.id,
    studentId: owner.id,
    startsAt: new Date(now + offsetDays * day),
    endsAt: new Date(now + offsetDays * day + 3_600_000),
    status: 'confirmed' as const,
    idempotencyKey: randomUUID(),
    priceMinor: 80000,
    currency: 'INR',
    createdAt: new Date(now),
    ...over,
  });
  const rows = await t.app.database.db
    .insert(schema.bookings)
    .values([booking(3), booking(4, { status: 'held', heldUntil: new Date(now + 15 * 60_000) }), booking(-3, { status: 'completed', outcome: 'completed' }), booking(5, { seriesId: randomUUID() })])
    .returning();
  const checkout = created(await owner.client.post('/api/billing/checkout', { bookingId: rows[1]!.id, idempotencyKey: randomUUID() }));

  // A class the tutor teaches, with the owner enrolled.
  const klass = created(await tutor.client.post('/api/classes', classBody({ ...cs[0], date: new Date(now + 3 * day).toISOString().slice(0, 10) }))).classes[0] as { id: string };
  created(await owner.client.post(`/api/classes/${klass.id}/enrol`, {}), 200);

  const ticket = created(await owner.client.post('/api/support/tickets', { sessionId, areas: ['sound'], device: 'phone', network: 'wifi', workedBefore: 'yes', description: 'The tutor could not hear me' }));
  const report = created(await owner.client.post('/api/safety/reports', { sessionId, category: 'other', text: 'Asked for my number' }));
  const document = await upload(t.baseUrl, '/api/onboarding/documents?kind=id_document', applicant.client.cookie);
  const application = (await applicant.client.get('/api/onboarding/application')).json.application as { id: string } | null;
  const check = created(await owner.client.post('/api/check/reports', checkReport));

  const mine = (id: string, party?: Client): MatrixObject => ({ id, owner: owner.client, ...(party ? { party } : {}) });
  const missing = (): MatrixObject => ({ id: randomUUID() });
  return {
    actors: { student: otherStudent.client, tutor: otherTutor.client, ops: ops.client, support: support.client, finance: finance.client, admin: admin.client, anon },
    staffIds: { ops: ops.user.id, support: support.user.id, finance: finance.user.id, admin: admin.user.id },
    photoId: chat.photoId!,
    objects: {
      question: mine(q.id, tutor.client),
      questionPhoto: mine(q.photos[0].id, tutor.client),
      session: mine(sessionId, tutor.client),
      booking: mine(rows[0]!.id, tutor.client),
      doneBooking: mine(rows[2]!.id, tutor.client),
      series: mine(rows[3]!.seriesId!, tutor.client),
      checkout: mine(checkout.id),
      student: mine(owner.id),
      ticket: mine(ticket.id),
      safetyReport: mine(report.id),
      tutor: { id: tutor.id, owner: tutor.client },
      managedTutor: { id: managed.id, owner: managed.client },
      class: { id: klass.id, owner: tutor.client, party: owner.client },
      application: { id: application?.id ?? 'none', owner: applicant.client },
      document: { id: document.id!, owner: applicant.client },
      staff: { id: grantee.user.id, owner: grantee.client },
      // Objects this world does not make (their own suites do): a missing id still proves the role check and the 404.
      recording: missing(),
      checkReport: mine(check.id),
      guardianChild: missing(),
      export: missing(),
      ltiCourse: missing(),
      ltiRegistration: missing(),
      plan: missing(),
      payment: missing(),
      job: missing(),
    },
  };
}
