/**
 * Guardians' pure decisions (issue #20): the consent age per country, what a student may do before consent, the
 * guardian's limits (allowed hours, monthly spending), the one-time code and the declaration text. No I/O, the time
 * and the data are passed in. identity.rules uses consentAgeFor for its consent gate.
 */

/** COPPA's age, and the default where no stricter rule is listed. */
export const DEFAULT_CONSENT_AGE = 13;

/**
 * Age below which a guardian's consent is needed, by ISO 3166-1 alpha-2 country. India: DPDP Act 2023 s.9 (everyone
 * under 18). EU/EEA: each member state's choice under GDPR Art. 8 (13 to 16). Anything not listed: 13.
 */
export const CONSENT_AGES: Readonly<Record<string, number>> = {
  IN: 18,
  AT: 14,
  BE: 13,
  BG: 14,
  CY: 14,
  CZ: 15,
  DE: 16,
  DK: 13,
  EE: 13,
  ES: 14,
  FI: 13,
  FR: 15,
  GR: 15,
  HR: 16,
  HU: 16,
  IE: 16,
  IT: 14,
  LT: 14,
  LU: 16,
  LV: 13,
  MT: 13,
  NL: 16,
  PL: 16,
  PT: 13,
  RO: 16,
  SE: 13,
  SI: 15,
  SK: 16,
  GB: 13,
  US: 13,
};

export const countryCodeRe = /^[A-Z]{2}$/;

/** The consent age for a country (null or unknown: the default, 13). */
export function consentAgeFor(country: string | null | undefined): number {
  if (!country) return DEFAULT_CONSENT_AGE;
  return CONSENT_AGES[country.toUpperCase()] ?? DEFAULT_CONSENT_AGE;
}

/** Whether a student of this age in this country needs a guardian's consent before acting. */
export function needsGuardianConsent(age: number, country: string | null | undefined): boolean {
  return age < consentAgeFor(country);
}

export const studentActions = ['browse', 'ask', 'book', 'join'] as const;
export type StudentAction = (typeof studentActions)[number];

/** What a student who needs consent may do before it is given: browse, but not ask, book or join a call. */
export const BEFORE_CONSENT: Readonly<Record<StudentAction, boolean>> = { browse: true, ask: false, book: false, join: false };

export function mayActBeforeConsent(action: StudentAction): boolean {
  return BEFORE_CONSENT[action];
}

/** The guardian's limits on one child. Hours are minutes of the day in the student's zone; from > to wraps midnight. */
export interface GuardianLimits {
  monthlyLimitMinor: number | null;
  allowedFromMinute: number | null;
  allowedToMinute: number | null;
}

/** Whether a minute of the day (0–1439) is inside [from, to); a window with from > to runs past midnight. */
export function withinAllowedHours(minute: number, from: number | null, to: number | null): boolean {
  if (from === null || to === null || from === to) return true;
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

export type LimitRefusal = { ok: false; reason: 'outside_allowed_hours'; from: number; to: number } | { ok: false; reason: 'spending_limit'; limitMinor: number; spentMinor: number };

/**
 * The guardian's limits applied to an ask (now) or a booking (its start, its price): the start must be inside the
 * allowed hours in the student's zone, and the month's spending plus this price must stay within the limit.
 */
export function checkLimits(limits: GuardianLimits, act: { localMinute: number; priceMinor: number; spentThisMonthMinor: number }): { ok: true } | LimitRefusal {
  const { allowedFromMinute: from, allowedToMinute: to } = limits;
  if (from !== null && to !== null && !withinAllowedHours(act.localMinute, from, to)) return { ok: false, reason: 'outside_allowed_hours', from, to };
  if (limits.monthlyLimitMinor !== null && act.priceMinor > 0 && act.spentThisMonthMinor + act.priceMinor > limits.monthlyLimitMinor) {
    return { ok: false, reason: 'spending_limit', limitMinor: limits.monthlyLimitMinor, spentMinor: act.spentThisMonthMinor };
  }
  return { ok: true };
}

/** "21:00" for a minute of the day. */
export function clockOf(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** A child has at most two guardians. */
export const MAX_GUARDIANS_PER_CHILD = 2;
export function mayAddGuardian(current: number): boolean {
  return current < MAX_GUARDIANS_PER_CHILD;
}

/** One-time codes: 6 digits, 10 minutes, 5 tries. */
export const OTP_TTL_MS = 10 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;

/** Digits only of a phone number, for comparing "+91 98…" with "9198…". */
export const phoneDigits = (phone: string) => phone.replace(/\D/g, '');

/** The code must go to a number that is not the student's own (any number the student is known by). */
export function otpNumberAllowed(guardianPhone: string, studentNumbers: readonly (string | null)[]): boolean {
  const g = phoneDigits(guardianPhone);
  return g.length >= 7 && !studentNumbers.some((n) => n !== null && phoneDigits(n) === g);
}

export type OtpCheck = { ok: true } | { ok: false; reason: 'code_expired' | 'code_wrong' | 'too_many_attempts' | 'code_used' };

export function checkOtp(otp: { expiresAt: Date; attempts: number; usedAt: Date | null }, matches: boolean, now: Date): OtpCheck {
  if (otp.usedAt) return { ok: false, reason: 'code_used' };
  if (otp.attempts >= OTP_MAX_ATTEMPTS) return { ok: false, reason: 'too_many_attempts' };
  if (now.getTime() >= otp.expiresAt.getTime()) return { ok: false, reason: 'code_expired' };
  return matches ? { ok: true } : { ok: false, reason: 'code_wrong' };
}

/** The declaration a guardian signs, versioned: the evidence keeps the version and the exact text shown. */
export const DECLARATION_VERSION = '2026-12-v1';
export function declarationText(childName: string, version: string = DECLARATION_VERSION): string | null {
  if (version !== DECLARATION_VERSION) return null;
  return (
    `I am the parent or legal guardian of ${childName}. I consent to ${childName} using Tutorline: asking questions, ` +
    'booking lessons and joining live video calls with tutors, which may be reviewed for safety. I can change limits ' +
    'or withdraw this consent at any time from my guardian page.'
  );
}

/** The signed declaration: a typed full name (two characters or more) and the box ticked on the exact text shown. */
export function checkDeclaration(input: { fullName: string; agreed: boolean; text: string }, expected: string | null): { ok: true } | { ok: false; reason: 'declaration_required' | 'declaration_changed' } {
  if (!input.agreed || input.fullName.trim().length < 2) return { ok: false, reason: 'declaration_required' };
  if (expected === null || input.text !== expected) return { ok: false, reason: 'declaration_changed' };
  return { ok: true };
}

const EURO_COUNTRIES = new Set(['AT', 'BE', 'CY', 'DE', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PT', 'SI', 'SK']);

/** The currency of the card check (decision 086) for the child's country: rupees in India, else the local or US dollars. The amount is billing's config. */
export function cardCheckCurrency(country: string | null | undefined): string {
  const c = country?.toUpperCase() ?? '';
  if (c === 'IN') return 'INR';
  if (c === 'GB') return 'GBP';
  return EURO_COUNTRIES.has(c) ? 'EUR' : 'USD';
}

/** The ISO week a summary covers, as its once-per-week key: the Monday (UTC) of `now`'s week. */
export function summaryWeekOf(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const back = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - back);
  return d.toISOString().slice(0, 10);
}

/** The first instant of `now`'s calendar month in UTC (spending limits count per calendar month). */
export function monthStartUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Sharing a child's data with third parties (COPPA 2025): a consent apart from the main one, off until a guardian
 * gives it. What it governs is the optional sharing only: grades and activity statements sent to the school's LMS
 * (LTI AGS, xAPI). Processing a guardian's own payment and WhatsApp messages to the guardian are needed for the
 * service the guardian asked for, so they do not depend on it (docs/PRIVACY.md).
 */
export const SHARING_VERSION = '2026-12-sharing-v1';
export function sharingText(childName: string, given: boolean, version: string = SHARING_VERSION): string | null {
  if (version !== SHARING_VERSION) return null;
  return given
    ? `I agree that Tutorline may share ${childName}'s learning results with third parties: the school's learning platform ` +
        '(LMS) that opens Tutorline receives their LMS user id, name and the lessons, classes and questions they completed, ' +
        'as grades and activity statements. I can withdraw this at any time from my guardian page.'
    : `I withdraw my agreement to sharing ${childName}'s learning results with third parties. From now on no grades or ` +
        "activity statements about them are sent to the school's learning platform.";
}

/** A child's data may be shared when a guardian's main consent stands and the newest sharing decision gave it. */
export function sharingAllowed(s: { consented: boolean; latest: { given: boolean } | null }): boolean {
  return s.consented && s.latest?.given === true;
}
