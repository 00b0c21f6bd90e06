import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';

describeEachBackend('identity: who may read and change what', ({ db }) => {
  let t: TestApp;
  let student: Client;
  let studentId: string;
  let otherStudentId: string;
  let tutor: Client;
  let tutorId: string;
  let admin: Client;
  let loggedOut: Client;

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
    student = new Client(t.baseUrl);
    studentId = (await signUpStudent(student)).user.id;
    otherStudentId = (await signUpStudent(new Client(t.baseUrl))).user.id;
    tutor = new Client(t.baseUrl);
    tutorId = (await signUpTutor(tutor)).user.id;
    admin = (await adminClient(t)).client;
    loggedOut = new Client(t.baseUrl);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lets a student read their own record but not another student's (404, so ids cannot be probed)", async () => {
    const self = await student.get(`/api/students/${studentId}`);
    expect(self.status).toBe(200);
    expect(self.json.id).toBe(studentId);

    const other = await student.get(`/api/students/${otherStudentId}`);
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe('not_found');
    // The same answer as for an id that does not exist at all.
    const missing = await student.get('/api/students/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe(other.json.error.message);
  });

  it('lets an admin read any student, and answers 400 for an id that is not a uuid', async () => {
    expect((await admin.get(`/api/students/${otherStudentId}`)).json).toMatchObject({ id: otherStudentId, role: 'student' });
    const bad = await admin.get('/api/students/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.fields[0].path).toBe('params.id');
  });

  it('refuses tutors on student records and admin routes with 403 forbidden', async () => {
    expect((await tutor.get(`/api/students/${studentId}`)).status).toBe(403);
    const list = await tutor.get('/api/admin/users');
    expect(list.status).toBe(403);
    expect(list.json.error.code).toBe('forbidden');
    const approve = await tutor.post(`/api/admin/tutors/${tutorId}/approval`, { status: 'approved' });
    expect(approve.status).toBe(403);
    expect(approve.json.error.code).toBe('forbidden');
    expect((await tutor.post(`/api/admin/students/${studentId}/guardian-consent`)).status).toBe(403);
    // Refused before anything changed.
    expect((await tutor.get('/api/tutors/me/profile')).json.approvalStatus).toBe('pending');
  });

  it('refuses a student on admin routes and on the tutor profile with 403', async () => {
    expect((await student.get('/api/admin/users')).status).toBe(403);
    const profile = await student.get('/api/tutors/me/profile');
    expect(profile.status).toBe(403);
    expect(profile.json.error.code).toBe('forbidden');
    expect((await student.put('/api/tutors/me/profile', { bio: 'x' })).status).toBe(403);
  });

  it('answers 401 unauthenticated to a logged-out caller, before looking at the body', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/me', undefined],
      ['GET', '/api/admin/users', undefined],
      ['GET', `/api/students/${studentId}`, undefined],
      ['GET', '/api/tutors/me/profile', undefined],
      ['POST', `/api/admin/tutors/${tutorId}/approval`, { status: 'approved' }],
      ['POST', '/api/me/password', { nonsense: true }],
      ['POST', '/api/auth/logout', undefined],
    ] as const) {
      const res = await loggedOut.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.json.error.code).toBe('unauthenticated');
    }
    // A cookie that was never issued is the same as none.
    const forged = new Client(t.baseUrl);
    forged.cookie = 'tl_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect((await forged.get('/api/me')).status).toBe(401);
  });

  it('lets an admin list users, filter them, and approve a tutor', async () => {
    const all = await admin.get('/api/admin/users');
    expect(all.status).toBe(200);
    expect(all.json.total).toBeGreaterThanOrEqual(4);
    expect(all.json.users.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([studentId, otherStudentId, tutorId]));

    const pending = await admin.get('/api/admin/users?role=tutor&approvalStatus=pending');
    expect(pending.json.users).toEqual([expect.objectContaining({ id: tutorId, role: 'tutor', approvalStatus: 'pending' })]);

    const approve = await admin.post(`/api/admin/tutors/${tutorId}/approval`, { status: 'approved' });
    expect(approve.status).toBe(200);
    expect(approve.json).toMatchObject({ userId: tutorId, approvalStatus: 'approved' });

    expect((await tutor.get('/api/tutors/me/profile')).json).toMatchObject({ userId: tutorId, approvalStatus: 'approved' });
    expect((await admin.get('/api/admin/users?role=tutor&approvalStatus=pending')).json.users).toEqual([]);

    const page = await admin.get('/api/admin/users?limit=1&offset=1');
    expect(page.json.users).toHaveLength(1);
    expect(page.json.total).toBe(all.json.total);
  });

  it('answers 404 when an admin approves a student as if they were a tutor, and 400 for an unknown status', async () => {
    const res = await admin.post(`/api/admin/tutors/${studentId}/approval`, { status: 'approved' });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not_found');
    const bad = await admin.post(`/api/admin/tutors/${tutorId}/approval`, { status: 'famous' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.fields[0].path).toBe('body.status');
  });

  it('refuses a tutor profile with an unknown subject or level, and saves catalogue ones', async () => {
    const catalogue = await loggedOut.get('/api/subjects');
    expect(catalogue.status).toBe(200);
    const [first, second] = catalogue.json.subjects as { id: string; levels: string[] }[];
    expect(first && second).toBeTruthy();

    for (const subjects of [[{ subjectId: 'alchemy', level: first!.levels[0] }], [{ subjectId: first!.id, level: 'grade-99' }]]) {
      const res = await tutor.put('/api/tutors/me/profile', { bio: 'should not be saved', subjects });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      expect(res.json.error.details.fields[0].path).toBe('body.subjects');
    }
    expect((await tutor.get('/api/tutors/me/profile')).json.bio).toBe('');

    const wanted = [
      { subjectId: second!.id, level: second!.levels[0]! },
      { subjectId: first!.id, level: first!.levels[1]! },
      { subjectId: first!.id, level: first!.levels[1]! },
    ];
    const saved = await tutor.put('/api/tutors/me/profile', { bio: 'Maths made calm.', subjects: wanted, languages: ['en', 'hi'], hourlyRateMinor: 50_000, currency: 'INR' });
    expect(saved.status).toBe(200);
    const expected = {
      bio: 'Maths made calm.',
      languages: ['en', 'hi'],
      hourlyRateMinor: 50_000,
      currency: 'INR',
      subjects: expect.arrayContaining([wanted[0], wanted[1]]),
    };
    expect(saved.json).toMatchObject(expected);
    expect(saved.json.subjects).toHaveLength(2);
    expect((await tutor.get('/api/tutors/me/profile')).json).toMatchObject(expected);
  });
});
