import { checkPasswordStrength } from '@tutorline/contracts/password-strength';
import { describe, expect, it } from 'vitest';
import { type SignUpForm, signUpBody, signUpFieldErrors } from './sign-up-validation';

const form = (over: Partial<SignUpForm> = {}): SignUpForm => ({
  role: 'student',
  displayName: 'Meera Iyer',
  email: 'meera.iyer@example.test',
  password: 'violet kettle under the stairs',
  phone: '',
  birthDate: '2000-01-01',
  guardianContact: '',
  timeZone: 'Asia/Kolkata',
  needsGuardian: false,
  ...over,
});

describe('the sign-up form, checked with the server’s schema and password rule', () => {
  it('passes a good form, and sends only what applies', () => {
    expect(signUpFieldErrors(form(), checkPasswordStrength)).toEqual({});
    expect(signUpBody(form({ phone: '+91 98123 45678', guardianContact: 'mum@example.test' }))).toEqual({
      role: 'student',
      displayName: 'Meera Iyer',
      email: 'meera.iyer@example.test',
      password: 'violet kettle under the stairs',
      phone: '+919812345678',
      birthDate: '2000-01-01',
      timeZone: 'Asia/Kolkata',
    });
  });

  it('shows every mistake at once, in the schema’s words: a bad email and a weak password in one pass', () => {
    const errors = signUpFieldErrors(form({ email: 'meera@', password: '1234567890', displayName: '  ' }), checkPasswordStrength);
    expect(errors).toEqual({
      email: 'must be an email address',
      displayName: 'is required',
      password: expect.stringMatching(/^is one of the most common passwords\. \S/),
    });
  });

  it('refuses the length first, with its hint, then the strength', () => {
    expect(signUpFieldErrors(form({ password: 'password1' }), checkPasswordStrength).password).toMatch(/^must be at least 10 characters\. /);
    expect(signUpFieldErrors(form({ password: 'password1234' }), checkPasswordStrength).password).toMatch(/most common passwords/);
    expect(signUpFieldErrors(form({ password: 'qwertyuiop' }), checkPasswordStrength).password).toMatch(/most common passwords/);
  });

  it('refuses the user’s own email or name as the password, as the server does', () => {
    expect(signUpFieldErrors(form({ password: 'meera.iyer@example.test' }), checkPasswordStrength).password).toMatch(/^must not be your name or email\./);
    expect(signUpFieldErrors(form({ displayName: 'Meera Lakshmi Iyer', password: 'MeeraLakshmiIyer' }), checkPasswordStrength).password).toMatch(/your name or email/);
  });

  it('applies the role rules the schema cannot know: a student’s birth date, a minor’s guardian', () => {
    expect(signUpFieldErrors(form({ birthDate: '' }))).toEqual({ birthDate: 'is required for students' });
    expect(signUpFieldErrors(form({ needsGuardian: true }))).toEqual({ guardianContact: 'is required for students under 18 (a guardian email or phone)' });
    expect(signUpFieldErrors(form({ role: 'tutor', birthDate: '' }))).toEqual({});
  });

  it('judges the password by length alone until the estimator has loaded', () => {
    expect(signUpFieldErrors(form({ password: '1234567890' }))).toEqual({});
  });
});

describe('checkPasswordStrength', () => {
  it('scores a few unrelated words as strong, and sequences, repeats and keyboard rows as weak', () => {
    expect(checkPasswordStrength('correct horse battery')).toMatchObject({ ok: true });
    expect(checkPasswordStrength('abcdefghijkl')).toMatchObject({ ok: false, problem: 'weak' });
    expect(checkPasswordStrength('aaaaaaaaaaaa')).toMatchObject({ ok: false, problem: 'weak' });
    expect(checkPasswordStrength('1q2w3e4r5t6y')).toMatchObject({ ok: false });
  });

  it('counts the site’s own name as a personal word', () => {
    expect(checkPasswordStrength('tutorline2026')).toMatchObject({ ok: false });
  });

  it('estimates a very long password quickly, judging it by its start', () => {
    const started = performance.now();
    checkPasswordStrength('Abc123!@#'.repeat(22));
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
