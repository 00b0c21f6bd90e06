import { describe, expect, it } from 'vitest';
import { EMAIL_KINDS, type EmailContent, emailAddressValid, mailLocale, renderEmail, smtpOutcome } from './notifications.email.rules';

const samples: EmailContent[] = [
  { kind: 'guardian.invite', childName: 'Asha <b>&', url: 'https://t.example/guardian/invite#tok"en' },
  { kind: 'guardian.summary', week: '2026-06-08', children: [{ name: 'Asha', instant: 2, lessons: 1, classes: 0, minutes: 75 }], url: 'https://t.example/guardian' },
  { kind: 'data_export_ready', url: 'https://t.example/api/privacy/export/x/download?sig=1', forChild: true },
  { kind: 'onboarding.status', status: 'approved', text: 'Approved for maths.', url: 'https://t.example/tutor/application' },
];

describe('renderEmail', () => {
  it('writes every kind in English and Hindi, as text and as HTML, with the link and nothing else from outside', () => {
    expect(samples.map((s) => s.kind).sort()).toEqual([...EMAIL_KINDS].sort());
    for (const content of samples) {
      for (const locale of ['en', 'hi'] as const) {
        const mail = renderEmail(content, locale);
        expect(mail.subject.length).toBeGreaterThan(5);
        expect(mail.text).toContain(content.url);
        expect(mail.html).toContain(`<html lang="${locale}">`);
        expect(mail.html).not.toMatch(/<img|<script|<link|<style|src=|url\(/i);
        // The only URL in the HTML is the message's own link.
        const urls = [...mail.html.matchAll(/https?:\/\/[^\s"<]+/g)].map((m) => m[0].replace(/&quot;.*$/, ''));
        expect(new Set(urls).size).toBe(1);
      }
    }
    expect(renderEmail(samples[0]!, 'hi').text).toContain('अभिभावक');
    expect(renderEmail(samples[1]!, 'en').text).toContain('Asha: 2 instant help, 1 lessons, 0 classes, 75 min with tutors.');
    expect(renderEmail(samples[2]!, 'en').text).toContain("Your child's Tutorline data");
  });
  it('escapes what users typed in the HTML', () => {
    const html = renderEmail(samples[0]!, 'en').html;
    expect(html).toContain('Asha &lt;b&gt;&amp;');
    expect(html).toContain('href="https://t.example/guardian/invite#tok&quot;en"');
    expect(html).not.toContain('<b>');
  });
});

describe('emailAddressValid', () => {
  it('takes ordinary addresses and refuses the rest, and reserved .invalid domains', () => {
    for (const ok of ['dad@example.com', 'a.b+c@mail.example.co.in', 'X_Y@sub-1.example.org']) expect(emailAddressValid(ok), ok).toBe(true);
    for (const bad of ['dad@example', 'dad@@example.com', 'dad example@x.com', 'Dad <dad@example.com>', 'dad@example.com\r\nBcc: x@y.z', 'wa-9198@whatsapp.tutorline.invalid', `${'a'.repeat(250)}@x.com`, '']) expect(emailAddressValid(bad), bad).toBe(false);
  });
});

describe('mailLocale and smtpOutcome', () => {
  it('writes Hindi for hi and English otherwise; a 5xx reply is final, anything else is retried', () => {
    expect([mailLocale('hi'), mailLocale('en'), mailLocale('fr'), mailLocale(null)]).toEqual(['hi', 'en', 'en', 'en']);
    expect([smtpOutcome(550), smtpOutcome(554), smtpOutcome(421), smtpOutcome(451), smtpOutcome(undefined)]).toEqual(['refused', 'refused', 'retry', 'retry', 'retry']);
  });
});
