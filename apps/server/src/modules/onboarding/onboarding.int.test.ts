import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpTutor, staffClient, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, FakeChannel, helpConfig, jpegBytes, listFiles, makeDataDir, makeStudent, notificationRows, removeDir, waitUntil } from '../../../test/help';
import { cleanPdf, pdfOf } from './onboarding.testkit';
import { sendFile } from '../../../test/uploads';

const MATHS = { subjectId: 'maths', level: 'grade-9-10' };
const PHYSICS = { subjectId: 'physics', level: 'grade-11-12' };
const answer = (what: string) => `${what}: start from what is given, write the law that links it to what is asked, then solve step by step.`;
const draft = {
  bio: 'I have taught school maths and physics in Pune for eight years.',
  experience: 'Eight years at a coaching centre.',
  languages: ['English', 'Hindi'],
  subjects: [
    { ...MATHS, sampleAnswer: answer('Maths') },
    { ...PHYSICS, sampleAnswer: answer('Physics') },
  ],
};

/** POSTs one file as multipart field `file`, the way the web app does. */
async function postDocument(t: TestApp, client: Client, kind: string, data: Buffer | string, filename: string, type: string) {
  return sendFile(`${t.baseUrl}/api/onboarding/documents?kind=${kind}`, client.cookie, data, filename, type);
}

const count = async (t: TestApp, q: string) => Number(((await t.app.database.db.execute(sql.raw(q))) as unknown as { rows: { n: number }[] }).rows[0]!.n);

describeEachBackend('onboarding: apply with documents, review, approve per subject and level', ({ db, backend }) => {
  let t: TestApp;
  let dataDir: string;
  const channel = new FakeChannel();
  let tutor: Client;
  let tutorId: string;
  let other: Client;
  let ops: { client: Client; user: { id: string } };
  let ops2: { client: Client; user: { id: string } };
  let support: { client: Client; user: { id: string } };
  let applicationId: string;
  let idDocId: string;
  let pdfDocId: string;

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, helpConfig(dataDir), undefined, { channels: [channel] });
    tutor = new Client(t.baseUrl);
    tutorId = (await signUpTutor(tutor)).user.id;
    other = new Client(t.baseUrl);
    await signUpTutor(other);
    ops = await staffClient(t, ['ops']);
    ops2 = await staffClient(t, ['ops']);
    support = await staffClient(t, ['support']);
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  it('keeps a draft, says what is missing, and refuses to submit it incomplete', async () => {
    expect((await tutor.get('/api/onboarding/application')).json).toEqual({ application: null });
    const saved = await tutor.put('/api/onboarding/application', draft);
    expect(saved.status).toBe(200);
    applicationId = saved.json.id;
    expect(saved.json).toMatchObject({ status: 'draft', missing: ['An ID document (photo or PDF)', 'Proof of qualification (photo or PDF)'] });
    expect(saved.json.subjects.map((s: any) => s.subjectName)).toEqual(['Mathematics', 'Physics']);

    const early = await tutor.post('/api/onboarding/application/submit');
    expect(early.status).toBe(400);
    expect(early.json.error.message).toBe('Your application is not complete yet. Still missing: An ID document (photo or PDF); Proof of qualification (photo or PDF).');

    const unknown = await tutor.put('/api/onboarding/application', { ...draft, subjects: [{ subjectId: 'maths', level: 'phd', sampleAnswer: answer('x') }] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toBe('maths at phd is not in the subjects catalogue.');
  });

  it('takes a photo (re-encoded) and a clean PDF, stored privately', async () => {
    const photo = await postDocument(t, tutor, 'id_document', await jpegBytes(600, 400), 'aadhaar.jpg', 'image/jpeg');
    expect(photo.status, photo.text).toBe(201);
    expect(photo.json).toMatchObject({ kind: 'id_document', contentType: 'image/jpeg', fileName: 'aadhaar.jpg' });
    idDocId = photo.json.id;
    const pdf = await postDocument(t, tutor, 'qualification', cleanPdf(), 'degree.pdf', 'application/pdf');
    expect(pdf.status, pdf.text).toBe(201);
    expect(pdf.json).toMatchObject({ kind: 'qualification', contentType: 'application/pdf', bytes: cleanPdf().length });
    pdfDocId = pdf.json.id;
    // No thumbnail is kept; the files live under the private onboarding/ folder, which no static route serves.
    expect(listFiles(dataDir).filter((f) => f.includes('onboarding/')).length).toBe(2);
    expect((await new Client(t.baseUrl).get(`/files/onboarding/x.pdf`)).status).toBe(404);
  });

  it('refuses forged documents with a clear message and changes nothing', async () => {
    const docsBefore = await count(t, 'select count(*)::int as n from tutor_application_documents');
    const filesBefore = listFiles(dataDir).length;
    const forged: [string, Buffer | string, string, string, number, RegExp][] = [
      ['a script named as a photo', '<script>alert(1)</script>', 'id.jpg', 'image/jpeg', 400, /neither a PDF nor a photo/],
      ['an SVG', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'id.svg', 'image/svg+xml', 400, /neither a PDF nor a photo/],
      ['an executable', Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), 'id.pdf', 'application/pdf', 400, /neither a PDF nor a photo/],
      ['a PDF with JavaScript', pdfOf(['<< /S /JavaScript /JS (app.alert(1)) >>'], '/OpenAction 4 0 R '), 'x.pdf', 'application/pdf', 400, /active content \(JavaScript\)/],
      ['a PDF with /J#61vaScript', pdfOf(['<< /S /J#61vaScript /JS (app.alert(1)) >>']), 'x.pdf', 'application/pdf', 400, /active content \(JavaScript\)/],
      ['a PDF that launches a program', pdfOf(['<< /S /Launch /F (cmd.exe) >>']), 'x.pdf', 'application/pdf', 400, /active content \(Launch\)/],
      ['a PDF with additional actions', pdfOf(['<< /Type /Annot /AA << /O 5 0 R >> >>']), 'x.pdf', 'application/pdf', 400, /active content \(AA\)/],
      ['a broken JPEG', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]), 'id.jpg', 'image/jpeg', 400, /not a photo we can read|damaged/],
      ['a file over 10 MB', Buffer.concat([cleanPdf(), Buffer.alloc(10 * 1024 * 1024)]), 'big.pdf', 'application/pdf', 413, /larger than 10 MB/],
    ];
    for (const [what, data, name, type, status, message] of forged) {
      const res = await postDocument(t, tutor, 'qualification', data, name, type);
      expect(res.status, `${what}: ${res.text}`).toBe(status);
      expect(res.json.error.message, what).toMatch(message);
    }
    expect(await count(t, 'select count(*)::int as n from tutor_application_documents')).toBe(docsBefore);
    expect(listFiles(dataDir).length).toBe(filesBefore);
    const refusals = t.logs().split('\n').filter((l) => l.includes('"event":"onboarding_document_refused"'));
    expect(refusals.length).toBeGreaterThanOrEqual(4);
  });

  it("serves a document to its tutor and to ops, never to someone else", async () => {
    const mine = await fetch(`${t.baseUrl}/api/onboarding/documents/${pdfDocId}`, { headers: { cookie: tutor.cookie } });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('application/pdf');
    expect(mine.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await mine.arrayBuffer()).equals(cleanPdf())).toBe(true);
    const photo = await fetch(`${t.baseUrl}/api/admin/onboarding/documents/${idDocId}`, { headers: { cookie: ops.client.cookie } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    // Another tutor gets the same not-found as for a document that does not exist; support staff may not look.
    const theirs = await other.get(`/api/onboarding/documents/${pdfDocId}`);
    expect(theirs.status).toBe(404);
    expect(theirs.json.error.message).toBe('That document was not found.');
    expect((await other.get(`/api/onboarding/documents/${crypto.randomUUID()}`)).json.error.message).toBe('That document was not found.');
    expect((await support.client.get(`/api/admin/onboarding/documents/${pdfDocId}`)).status).toBe(403);
    expect((await other.request('DELETE', `/api/onboarding/documents/${pdfDocId}`)).status).toBe(404);
    expect((await new Client(t.baseUrl).get(`/api/onboarding/documents/${pdfDocId}`)).status).toBe(401);
  });

  it('goes applied → under review → needs info → resubmitted, each step told to the tutor and audited', async () => {
    const sent = await tutor.post('/api/onboarding/application/submit');
    expect(sent.status, sent.text).toBe(200);
    expect(sent.json).toMatchObject({ status: 'applied', missing: [] });
    // A submitted application cannot be edited, and cannot be decided before its review starts.
    expect((await tutor.put('/api/onboarding/application', draft)).json.error.message).toBe('Your application is waiting for review, so it cannot be changed now. Nothing was changed.');
    const early = await ops.client.post(`/api/admin/onboarding/applications/${applicationId}/decision`, { decision: 'approve', subjects: [MATHS], reason: 'Looks good' });
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain('Start the review first.');

    const queue = await ops.client.get('/api/admin/onboarding/applications?status=applied');
    expect(queue.json.applications).toEqual([expect.objectContaining({ id: applicationId, documentCount: 2, subjects: [MATHS, PHYSICS] })]);
    const review = await ops.client.post(`/api/admin/onboarding/applications/${applicationId}/review`, {});
    expect(review.status).toBe(200);
    expect(review.json).toMatchObject({ status: 'under_review', reviewer: { id: ops.user.id } });

    const ask = await ops.client.post(`/api/admin/onboarding/applications/${applicationId}/request-info`, {
      missing: ['A photo of the back of your ID card'],
      message: 'The back shows the address.',
      reason: 'ID incomplete',
    });
    expect(ask.status, ask.text).toBe(200);
    const seen = (await tutor.get('/api/onboarding/application')).json.application;
    expect(seen).toMatchObject({ status: 'needs_info', missing: ['A photo of the back of your ID card'], infoRequest: 'The back shows the address.' });
    const notices = (await tutor.get('/api/notifications')).json;
    expect(JSON.stringify(notices)).toContain('Your Tutorline application needs more information. We need: A photo of the back of your ID card.');

    const back = await postDocument(t, tutor, 'id_document', await jpegBytes(500, 300), 'aadhaar-back.png', 'image/png');
    expect(back.status).toBe(201);
    const again = await tutor.post('/api/onboarding/application/submit');
    expect(again.json).toMatchObject({ status: 'under_review', missing: [] });
    await waitUntil(async () => channel.attempts.filter((a) => a.userId === tutorId && a.message.kind === 'onboarding.status' && a.outcome === 'sent').length >= 2 || undefined, 'the review and info notices on the other channel');
  });

  it('refuses to approve a subject or level the tutor did not apply for, changing nothing', async () => {
    const auditBefore = await count(t, "select count(*)::int as n from audit_log where object_type = 'tutor_application'");
    const res = await ops.client.post(`/api/admin/onboarding/applications/${applicationId}/decision`, { decision: 'approve', subjects: [MATHS, { subjectId: 'chemistry', level: 'grade-11-12' }], reason: 'Strong sample' });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe('The tutor did not apply for chemistry (grade-11-12). Approve only subjects and levels they applied for; nothing was changed.');
    const noReason = await ops.client.post(`/api/admin/onboarding/applications/${applicationId}/decision`, { decision: 'approve', subjects: [MATHS] });
    expect(noReason.status).toBe(400);
    expect((await ops.client.get(`/api/admin/onboarding/applications/${applicationId}`)).json.status).toBe('under_review');
    expect(await count(t, "select count(*)::int as n from audit_log where object_type = 'tutor_application'")).toBe(auditBefore);
    expect(await count(t, `select count(*)::int as n from tutor_subjects where tutor_id = '${tutorId}'`)).toBe(0);
  });

  it('lets exactly one of two ops users approving at once win; the other gets a 409 that says so', async () => {
    const auditBefore = await count(t, "select count(*)::int as n from audit_log where action = 'onboarding.approve'");
    const [a, b] = await Promise.all([
      ops.client.post(`/api/admin/onboarding/applications/${applicationId}/decision`, { decision: 'approve', subjects: [MATHS], reason: 'Clear maths answer; physics sample too thin' }),
      ops2.client.post(`/api/admin/onboarding/applications/${applicationId}/decision`, { decision: 'approve', subjects: [MATHS, PHYSICS], reason: 'Both fine' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? a : b;
    expect(loser.json.error.message).toMatch(/^Another reviewer already approved this application at .+\. Reload it to see their decision; nothing was changed\.$/);
    expect(winner.json.status).toBe('approved');
    expect(await count(t, "select count(*)::int as n from audit_log where action = 'onboarding.approve'")).toBe(auditBefore + 1);
    // Whoever won, the tutor teaches exactly what the winner approved.
    const approved = winner.json.subjects.filter((s: any) => s.decision === 'approved').map((s: any) => ({ subjectId: s.subjectId, level: s.level }));
    const rows = ((await t.app.database.db.execute(sql.raw(`select subject_id, level from tutor_subjects where tutor_id = '${tutorId}' order by 1, 2`))) as unknown as { rows: { subject_id: string; level: string }[] }).rows;
    expect(rows.map((r) => ({ subjectId: r.subject_id, level: r.level }))).toEqual(approved);
    expect(backend).toBeDefined();
  });
});

describeEachBackend('onboarding: approval per subject drives alerts, search and the audit log', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  let tutor: Client;
  let tutorId: string;
  let ops: { client: Client; user: { id: string } };
  let applicationId: string;

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, helpConfig(dataDir), undefined, { channels: [new FakeChannel()] });
    tutor = new Client(t.baseUrl);
    tutorId = (await signUpTutor(tutor)).user.id;
    ops = await staffClient(t, ['ops']);
    applicationId = (await tutor.put('/api/onboarding/application', draft)).json.id;
    expect((await postDocument(t, tutor, 'id_document', await jpegBytes(), 'id.jpg', 'image/jpeg')).status).toBe(201);
    expect((await postDocument(t, tutor, 'qualification', cleanPdf(), 'degree.pdf', 'application/pdf')).status).toBe(201);
    expect((await tutor.post('/api/onboarding/application/submit')).status).toBe(200);
    expect((await ops.client.post(`/api/admin/onboarding/applications/${applicationId}/review`, {})).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  it('approves maths only, with the before and after in the audit row written with it', async () => {
    const staleVersion = (await ops.client.get(`/api/admin/onboarding/applications/${applicationId}`)).json.version - 1;
    const stale = await ops.client.post(`/api/admin/onboarding/applications/${applicationId}/decision`, { decision: 'approve', subjects: [MATHS], reason: 'x'.repeat(5), version: staleVersion });
    expect(stale.status).toBe(409);
    expect(stale.json.error.message).toBe('The application changed while you were looking at it. Reload it and decide again; nothing was changed.');

    const res = await ops.client.post(`/api/admin/onboarding/applications/${applicationId}/decision`, { decision: 'approve', subjects: [MATHS], reason: 'Physics sample answer had an error' });
    expect(res.status, res.text).toBe(200);
    expect(res.json.subjects).toEqual([
      expect.objectContaining({ ...MATHS, decision: 'approved', decisionReason: 'Physics sample answer had an error' }),
      expect.objectContaining({ ...PHYSICS, decision: 'not_approved' }),
    ]);
    const audit = ((await t.app.database.db.execute(sql.raw(`select actor_id, actor_role, reason, before, after from audit_log where action = 'onboarding.approve' and object_id = '${applicationId}'`))) as unknown as { rows: any[] }).rows;
    expect(audit).toEqual([
      {
        actor_id: ops.user.id,
        actor_role: 'ops',
        reason: 'Physics sample answer had an error',
        before: { status: 'under_review', tutor: { approvalStatus: 'pending', subjects: [] } },
        after: { status: 'approved', approved: [MATHS], notApproved: [PHYSICS] },
      },
    ]);
    const me = (await tutor.get('/api/onboarding/application')).json.application;
    expect(me.status).toBe('approved');
    const profile = await tutor.get('/api/tutors/me/profile');
    expect(profile.json).toMatchObject({ approvalStatus: 'approved', subjects: [expect.objectContaining(MATHS)] });
    expect(profile.json.subjects).toHaveLength(1);
    const notices = JSON.stringify((await tutor.get('/api/notifications')).json);
    expect(notices).toContain('Your Tutorline application is approved for Mathematics (grade-9-10). Not approved for now: Physics (grade-11-12).');
    const again = await ops.client.post(`/api/admin/onboarding/applications/${applicationId}/decision`, { decision: 'reject', reason: 'Changed my mind' });
    expect(again.status).toBe(409);
  });

  it('sends the tutor maths questions only, lists and books them only for maths, and keeps them from adding physics by hand', async () => {
    expect((await tutor.put('/api/help/availability', { online: false, notifyWhenOffline: true })).status).toBe(200);
    const student = await makeStudent(t);
    const maths = await askQuestion(t, student, MATHS.subjectId, MATHS.level);
    await waitUntil(async () => (await notificationRows(t.app.database, maths.id)).some((r) => r.tutorId === tutorId) || undefined, 'the maths question offered to the tutor');
    const physics = await askQuestion(t, student, PHYSICS.subjectId, PHYSICS.level);
    // Nobody approved teaches it: the question closes without a single offer.
    await waitUntil(async () => (await student.client.get(`/api/help/questions/${physics.id}`)).json?.status !== 'open' || undefined, 'the physics question to close');
    expect(await notificationRows(t.app.database, physics.id)).toEqual([]);

    const listed = async (s: { subjectId: string; level: string }) => ((await student.client.get(`/api/tutors?subject=${s.subjectId}&level=${s.level}`)).json.tutors as { id?: string; userId?: string }[]).map((x) => x.userId ?? x.id);
    expect(await listed(MATHS)).toContain(tutorId);
    expect(await listed(PHYSICS)).not.toContain(tutorId);

    // Booking a lesson in physics with them is refused for the subject, before any slot is looked at.
    const book = await student.client.post('/api/bookings', { tutorId, start: '2030-01-07T10:00:00Z', durationMinutes: 60, idempotencyKey: crypto.randomUUID(), subject: { id: PHYSICS.subjectId, level: PHYSICS.level } });
    expect(book.status).toBe(400);
    expect(book.json.error.message).toBe('The tutor does not teach that subject and level.');

    const sneak = await tutor.put('/api/tutors/me/profile', { subjects: [MATHS, PHYSICS] });
    expect(sneak.status).toBe(409);
    expect(sneak.json.error.message).toBe('You are approved for specific subjects and levels. To teach another one, apply for it from your application page.');
    expect((await tutor.put('/api/tutors/me/profile', { subjects: [MATHS] })).status).toBe(200);
  });
});

