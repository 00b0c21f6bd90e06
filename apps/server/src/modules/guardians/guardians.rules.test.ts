import { describe, expect, it } from 'vitest';
import {
  BEFORE_CONSENT,
  cardCheckCurrency,
  checkDeclaration,
  sharingAllowed,
  sharingText,
  checkLimits,
  checkOtp,
  consentAgeFor,
  declarationText,
  DECLARATION_VERSION,
  mayActBeforeConsent,
  mayAddGuardian,
  needsGuardianConsent,
  otpNumberAllowed,
  summaryWeekOf,
  withinAllowedHours,
} from './guardians.rules';

describe('consent age per country', () => {
  it('is 13 by default and for unknown or missing countries, 18 in India, the GDPR Art. 8 choice in the EU', () => {
    expect(consentAgeFor(null)).toBe(13);
    expect(consentAgeFor('ZZ')).toBe(13);
    expect(consentAgeFor('US')).toBe(13);
    expect(consentAgeFor('IN')).toBe(18);
    expect(consentAgeFor('in')).toBe(18);
    expect(consentAgeFor('DE')).toBe(16);
    expect(consentAgeFor('FR')).toBe(15);
    expect(consentAgeFor('IT')).toBe(14);
    expect(consentAgeFor('SE')).toBe(13);
  });
  it('a 12-year-old needs consent everywhere; a 15-year-old in India and Germany, not in France or the US', () => {
    expect(needsGuardianConsent(12, null)).toBe(true);
    expect(needsGuardianConsent(15, 'IN')).toBe(true);
    expect(needsGuardianConsent(15, 'DE')).toBe(true);
    expect(needsGuardianConsent(15, 'FR')).toBe(false);
    expect(needsGuardianConsent(15, 'US')).toBe(false);
    expect(needsGuardianConsent(17, 'IN')).toBe(true);
    expect(needsGuardianConsent(18, 'IN')).toBe(false);
  });
  it('before consent a student may browse, and not ask, book or join a call', () => {
    expect(BEFORE_CONSENT).toEqual({ browse: true, ask: false, book: false, join: false });
    expect(mayActBeforeConsent('browse')).toBe(true);
    expect(mayActBeforeConsent('join')).toBe(false);
  });
});

describe('guardian limits', () => {
  it('allowed hours are [from, to), and a window past midnight wraps', () => {
    expect(withinAllowedHours(20 * 60 + 59, 8 * 60, 21 * 60)).toBe(true);
    expect(withinAllowedHours(21 * 60, 8 * 60, 21 * 60)).toBe(false);
    expect(withinAllowedHours(7 * 60, 8 * 60, 21 * 60)).toBe(false);
    expect(withinAllowedHours(23 * 60, 22 * 60, 2 * 60)).toBe(true);
    expect(withinAllowedHours(60, 22 * 60, 2 * 60)).toBe(true);
    expect(withinAllowedHours(12 * 60, 22 * 60, 2 * 60)).toBe(false);
    expect(withinAllowedHours(12 * 60, null, null)).toBe(true);
  });
  it('refuses outside the hours first, then over the monthly limit; free acts never hit the limit', () => {
    const limits = { monthlyLimitMinor: 100_000, allowedFromMinute: 8 * 60, allowedToMinute: 21 * 60 };
    expect(checkLimits(limits, { localMinute: 22 * 60, priceMinor: 0, spentThisMonthMinor: 0 })).toEqual({ ok: false, reason: 'outside_allowed_hours', from: 480, to: 1260 });
    expect(checkLimits(limits, { localMinute: 600, priceMinor: 50_000, spentThisMonthMinor: 50_000 })).toEqual({ ok: true });
    expect(checkLimits(limits, { localMinute: 600, priceMinor: 50_001, spentThisMonthMinor: 50_000 })).toEqual({ ok: false, reason: 'spending_limit', limitMinor: 100_000, spentMinor: 50_000 });
    expect(checkLimits({ ...limits, monthlyLimitMinor: 0 }, { localMinute: 600, priceMinor: 0, spentThisMonthMinor: 0 })).toEqual({ ok: true });
    expect(checkLimits({ monthlyLimitMinor: null, allowedFromMinute: null, allowedToMinute: null }, { localMinute: 0, priceMinor: 10 ** 9, spentThisMonthMinor: 0 })).toEqual({ ok: true });
  });
  it('a child has at most two guardians', () => {
    expect(mayAddGuardian(0)).toBe(true);
    expect(mayAddGuardian(1)).toBe(true);
    expect(mayAddGuardian(2)).toBe(false);
  });
});

describe('verifiable consent', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const fresh = { expiresAt: new Date('2026-06-01T12:10:00Z'), attempts: 0, usedAt: null };
  it('the code goes only to a number that is not the student’s', () => {
    expect(otpNumberAllowed('+919800000001', ['+919800000002', null])).toBe(true);
    expect(otpNumberAllowed('+91 98000 00002', ['+919800000002'])).toBe(false);
    expect(otpNumberAllowed('12', [])).toBe(false);
  });
  it('a code is right once, before it expires and within five tries', () => {
    expect(checkOtp(fresh, true, now)).toEqual({ ok: true });
    expect(checkOtp(fresh, false, now)).toEqual({ ok: false, reason: 'code_wrong' });
    expect(checkOtp(fresh, true, new Date('2026-06-01T12:10:00Z'))).toEqual({ ok: false, reason: 'code_expired' });
    expect(checkOtp({ ...fresh, attempts: 5 }, true, now)).toEqual({ ok: false, reason: 'too_many_attempts' });
    expect(checkOtp({ ...fresh, usedAt: now }, true, now)).toEqual({ ok: false, reason: 'code_used' });
  });
  it('the declaration needs a typed name, the box and the exact text of the current version', () => {
    const text = declarationText('Asha')!;
    expect(text).toContain('Asha');
    expect(declarationText('Asha', 'old')).toBeNull();
    expect(checkDeclaration({ fullName: 'Meera Iyer', agreed: true, text }, declarationText('Asha', DECLARATION_VERSION))).toEqual({ ok: true });
    expect(checkDeclaration({ fullName: 'Meera Iyer', agreed: false, text }, text)).toEqual({ ok: false, reason: 'declaration_required' });
    expect(checkDeclaration({ fullName: ' ', agreed: true, text }, text)).toEqual({ ok: false, reason: 'declaration_required' });
    expect(checkDeclaration({ fullName: 'Meera Iyer', agreed: true, text: `${text} ` }, text)).toEqual({ ok: false, reason: 'declaration_changed' });
  });
  it('the weekly summary key is the Monday of the week', () => {
    expect(summaryWeekOf(new Date('2026-06-03T10:00:00Z'))).toBe('2026-06-01');
    expect(summaryWeekOf(new Date('2026-06-07T23:59:00Z'))).toBe('2026-06-01');
    expect(summaryWeekOf(new Date('2026-06-08T00:00:00Z'))).toBe('2026-06-08');
  });
});

describe('card check currency (decision 086)', () => {
  it('is rupees in India, pounds in the UK, euros in the euro area and US dollars elsewhere or when unknown', () => {
    expect(cardCheckCurrency('IN')).toBe('INR');
    expect(cardCheckCurrency('in')).toBe('INR');
    expect(cardCheckCurrency('GB')).toBe('GBP');
    expect(cardCheckCurrency('DE')).toBe('EUR');
    expect(cardCheckCurrency('PL')).toBe('USD');
    expect(cardCheckCurrency('US')).toBe('USD');
    expect(cardCheckCurrency(null)).toBe('USD');
  });
});

describe('third-party sharing (#20, COPPA 2025)', () => {
  it('is allowed only with the main consent and a newest decision that gave it; never asked means not given', () => {
    expect(sharingAllowed({ consented: true, latest: null })).toBe(false);
    expect(sharingAllowed({ consented: true, latest: { given: true } })).toBe(true);
    expect(sharingAllowed({ consented: true, latest: { given: false } })).toBe(false);
    expect(sharingAllowed({ consented: false, latest: { given: true } })).toBe(false);
  });
  it('has one text to give and one to withdraw, per version; an unknown version has none', () => {
    expect(sharingText('Asha', true)).toContain("share Asha's learning results with third parties");
    expect(sharingText('Asha', false)).toContain('I withdraw my agreement');
    expect(sharingText('Asha', true, 'old')).toBeNull();
  });
});
