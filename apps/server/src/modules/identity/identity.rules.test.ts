import { describe, expect, it } from 'vitest';
import type { StaffRole } from '@tutorline/contracts';
import { actingRole, ageOn, canAskOrBook, checkSignUp, loginGate, mayAccess, mayBeRecorded, minorStatus, staffRolesOf, throttleDelay } from './identity.rules';

const now = new Date('2026-11-22T10:00:00Z');
const student = (birthDate: string | null, consent: Date | null = null) => ({
  role: 'student' as const,
  birthDate,
  guardianContact: 'parent@example.com',
  guardianConsentAt: consent,
});

describe('ageOn', () => {
  it('counts whole years and respects the birthday', () => {
    expect(ageOn('2008-11-22', now)).toBe(18);
    expect(ageOn('2008-11-23', now)).toBe(17);
    expect(ageOn('2013-11-21', now)).toBe(13);
    expect(ageOn('2013-12-01', now)).toBe(12);
  });
});

describe('minors', () => {
  it('adults are not minors and may ask', () => {
    expect(minorStatus(student('2000-01-01'), now)).toBeNull();
    expect(canAskOrBook(student('2000-01-01'), now)).toBe(true);
  });
  it('a 15-year-old is a minor who may ask without recorded consent', () => {
    expect(minorStatus(student('2011-05-05'), now)).toMatchObject({ isMinor: true, needsConsent: false });
    expect(canAskOrBook(student('2011-05-05'), now)).toBe(true);
  });
  it('an 11-year-old may not ask until consent is recorded', () => {
    expect(canAskOrBook(student('2015-05-05'), now)).toBe(false);
    expect(canAskOrBook(student('2015-05-05', new Date('2026-11-01T00:00:00Z')), now)).toBe(true);
  });
  it('tutors and admins never ask', () => {
    expect(canAskOrBook({ ...student('2000-01-01'), role: 'tutor' }, now)).toBe(false);
  });
});

describe('mayBeRecorded (class recordings, #15)', () => {
  it('leaves out every student under 18 without guardian consent, 13 to 17 included; adults, tutors and consented minors are recorded', () => {
    expect(mayBeRecorded(student('2008-11-22'), now)).toBe(true);
    expect(mayBeRecorded(student('2008-11-23'), now)).toBe(false);
    expect(mayBeRecorded(student('2011-05-05'), now)).toBe(false);
    expect(mayBeRecorded(student('2011-05-05', new Date('2026-11-01T00:00:00Z')), now)).toBe(true);
    expect(mayBeRecorded(student(null), now)).toBe(false);
    expect(mayBeRecorded({ ...student(null), role: 'tutor' }, now)).toBe(true);
  });
});

describe('checkSignUp', () => {
  it('needs a birth date for students, and a guardian under 18', () => {
    expect(checkSignUp({ role: 'student' }, now)).toMatchObject({ ok: false, field: 'body.birthDate' });
    expect(checkSignUp({ role: 'student', birthDate: '2012-01-01' }, now)).toMatchObject({ ok: false, field: 'body.guardianContact' });
    expect(checkSignUp({ role: 'student', birthDate: '2012-01-01', guardianContact: 'mum@example.com' }, now)).toEqual({ ok: true });
    expect(checkSignUp({ role: 'student', birthDate: '1999-01-01' }, now)).toEqual({ ok: true });
  });
  it('refuses implausible dates and birth dates for tutors', () => {
    expect(checkSignUp({ role: 'student', birthDate: '2030-01-01' }, now)).toMatchObject({ ok: false });
    expect(checkSignUp({ role: 'tutor', birthDate: '1990-01-01' }, now)).toMatchObject({ ok: false });
  });
});

describe('mayAccess', () => {
  const student = { role: 'student', staffRoles: [] } as const;
  const tutor = { role: 'tutor', staffRoles: [] } as const;
  const staff = (...staffRoles: StaffRole[]) => ({ role: 'admin' as const, staffRoles });
  it('walks every access kind against every caller, staff roles included', () => {
    const table: [Parameters<typeof mayAccess>[0], Parameters<typeof mayAccess>[1], ReturnType<typeof mayAccess>][] = [
      ['public', null, 'ok'],
      ['public', student, 'ok'],
      ['user', null, 'unauthenticated'],
      ['user', tutor, 'ok'],
      [['admin'], null, 'unauthenticated'],
      [['admin'], tutor, 'forbidden'],
      [['admin'], student, 'forbidden'],
      [['admin'], staff('admin'), 'ok'],
      [['admin'], staff('ops', 'support', 'finance'), 'forbidden'],
      [['tutor', 'admin'], tutor, 'ok'],
      [['ops'], staff('ops'), 'ok'],
      [['ops'], staff('admin'), 'ok'],
      [['finance'], staff('support'), 'forbidden'],
      [['support', 'finance'], staff('support'), 'ok'],
      [['student', 'finance'], student, 'ok'],
      [['student', 'finance'], staff('ops'), 'forbidden'],
      // A staff account with no staff role left (all revoked) is refused everywhere staff may go.
      [['ops'], staff(), 'forbidden'],
      // A staff account is not a student or tutor, whatever the list names.
      [['student'], staff('admin'), 'forbidden'],
    ];
    for (const [access, caller, expected] of table) expect(mayAccess(access, caller)).toBe(expected);
  });

  it('names the staff role a caller acts under', () => {
    expect(actingRole(['ops', 'admin'], ['support', 'ops'])).toBe('ops');
    expect(actingRole(['finance'], ['admin'])).toBe('admin');
    expect(actingRole(['finance'], ['support'])).toBeNull();
    expect(staffRolesOf(['student', 'finance'])).toEqual(['finance']);
    expect(staffRolesOf('user')).toEqual([]);
  });
});

describe('loginGate', () => {
  const limits = { maxFailuresPerAccountIp: 3, windowMs: 15 * 60_000, throttleAfter: 4, throttleDelayMs: 250, throttleMaxDelayMs: 2000 };

  it('lets an IP try until it has failed the limit on the account, then refuses it until its oldest failure leaves the window', () => {
    expect(loginGate({ fromIp: 2, total: 2, oldestFromIp: now }, limits, now)).toEqual({ allow: true, delayMs: 0 });
    const oldest = new Date(now.getTime() - 10 * 60_000);
    expect(loginGate({ fromIp: 3, total: 3, oldestFromIp: oldest }, limits, now)).toEqual({ allow: false, retryAfterSeconds: 300 });
  });

  it('only slows the account down when the failures come from many IPs: never a refusal', () => {
    expect(loginGate({ fromIp: 0, total: 100, oldestFromIp: null }, limits, now)).toEqual({ allow: true, delayMs: 2000 });
    expect(loginGate({ fromIp: 2, total: 5, oldestFromIp: now }, limits, now)).toEqual({ allow: true, delayMs: 500 });
  });

  it('doubles the delay with each failure past the threshold, up to the cap', () => {
    expect([3, 4, 5, 6, 7, 8, 1000].map((n) => throttleDelay(n, limits))).toEqual([0, 250, 500, 1000, 2000, 2000, 2000]);
  });
});
