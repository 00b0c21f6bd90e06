import { z } from 'zod';

/** The languages an email is written in (the recipient's interface language); anything else gets English. */
export type MailLocale = 'en' | 'hi';
export const mailLocale = (language: string | null | undefined): MailLocale => (language === 'hi' ? 'hi' : 'en');

const childWeek = z.object({ name: z.string(), instant: z.number().int(), lessons: z.number().int(), classes: z.number().int(), minutes: z.number().int() });

/** Every email Tutorline sends, by kind, with what its words need. A payload that does not parse is not sent. */
export const emailContent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('guardian.invite'), childName: z.string(), url: z.string() }),
  z.object({ kind: z.literal('guardian.summary'), week: z.string(), children: z.array(childWeek), url: z.string() }),
  z.object({ kind: z.literal('data_export_ready'), url: z.string(), forChild: z.boolean() }),
  z.object({ kind: z.literal('onboarding.status'), status: z.string(), text: z.string(), url: z.string() }),
]);
export type EmailContent = z.infer<typeof emailContent>;
export type EmailKind = EmailContent['kind'];
export const EMAIL_KINDS: readonly EmailKind[] = ['guardian.invite', 'guardian.summary', 'data_export_ready', 'onboarding.status'];

/** What an email says: a subject, paragraphs, one link with its label. */
interface Words {
  subject: string;
  paragraphs: string[];
  link: { label: string; url: string };
}

const onboardingHeading: Record<MailLocale, Record<string, string>> = {
  en: { under_review: 'Your application is being reviewed.', needs_info: 'Your application needs more information.', approved: 'Your application was approved.', rejected: 'Your application was not approved.' },
  hi: { under_review: 'आपके आवेदन की समीक्षा हो रही है।', needs_info: 'आपके आवेदन के लिए और जानकारी चाहिए।', approved: 'आपका आवेदन स्वीकार कर लिया गया है।', rejected: 'आपका आवेदन स्वीकार नहीं हुआ।' },
};

function wordsFor(c: EmailContent, l: MailLocale): Words {
  const hi = l === 'hi';
  switch (c.kind) {
    case 'guardian.invite':
      return hi
        ? {
            subject: `${c.childName} चाहते हैं कि आप Tutorline पर उनके अभिभावक बनें`,
            paragraphs: [`${c.childName} ने आपको Tutorline पर अपना अभिभावक बनने के लिए कहा है।`, 'ट्यूटर से सवाल पूछने या कॉल में शामिल होने से पहले माता-पिता या अभिभावक की सहमति ज़रूरी है। लिंक खोलकर देखें कि वे क्या कर सकते हैं, और सहमति दें।', 'यह लिंक 14 दिन तक काम करता है। अगर आप इन्हें नहीं जानते, तो यह ईमेल अनदेखा करें।'],
            link: { label: 'आमंत्रण खोलें', url: c.url },
          }
        : {
            subject: `${c.childName} asked you to be their guardian on Tutorline`,
            paragraphs: [`${c.childName} asked you to be their guardian on Tutorline.`, 'Before they can ask tutors or join calls, a parent or guardian needs to agree. Open the link to see what they can do and give consent.', 'The link works for 14 days. If you do not know them, ignore this email.'],
            link: { label: 'Open the invitation', url: c.url },
          };
    case 'guardian.summary': {
      const lines = c.children.map((k) =>
        hi
          ? `${k.name}: ${k.instant} तुरंत मदद, ${k.lessons} पाठ, ${k.classes} कक्षाएँ, ट्यूटर के साथ ${k.minutes} मिनट।`
          : `${k.name}: ${k.instant} instant help, ${k.lessons} lessons, ${k.classes} classes, ${k.minutes} min with tutors.`,
      );
      return hi
        ? { subject: `Tutorline साप्ताहिक सारांश (${c.week} तक का सप्ताह)`, paragraphs: [...lines, 'हर सत्र, नोट और रेटिंग अपने अभिभावक पेज पर देखें।'], link: { label: 'अभिभावक पेज खोलें', url: c.url } }
        : { subject: `Tutorline weekly summary (week to ${c.week})`, paragraphs: [...lines, 'See every session, note and rating on your guardian page.'], link: { label: 'Open your guardian page', url: c.url } };
    }
    case 'data_export_ready':
      return hi
        ? { subject: 'आपका Tutorline डेटा तैयार है', paragraphs: [c.forChild ? 'आपके बच्चे का Tutorline डेटा डाउनलोड के लिए तैयार है।' : 'आपका Tutorline डेटा डाउनलोड के लिए तैयार है।', 'लिंक 7 दिन तक काम करता है, और केवल आपके खाते से साइन इन करने पर।'], link: { label: 'डेटा डाउनलोड करें', url: c.url } }
        : { subject: 'Your Tutorline data is ready', paragraphs: [c.forChild ? "Your child's Tutorline data is ready to download." : 'Your Tutorline data is ready to download.', 'The link works for 7 days, and only when you are signed in to your account.'], link: { label: 'Download the data', url: c.url } };
    case 'onboarding.status':
      return hi
        ? { subject: 'आपका Tutorline ट्यूटर आवेदन', paragraphs: [onboardingHeading.hi[c.status] ?? 'आपके आवेदन में बदलाव हुआ है।', `Tutorline टीम का संदेश: ${c.text}`], link: { label: 'आवेदन खोलें', url: c.url } }
        : { subject: 'Your Tutorline tutor application', paragraphs: [onboardingHeading.en[c.status] ?? 'Your application has changed.', `From the Tutorline team: ${c.text}`], link: { label: 'Open your application', url: c.url } };
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/**
 * The email for a content in a language: plain text, and simple HTML with the same words. No images, no tracking
 * pixels, no styles from elsewhere: the only URL in it is the link the message is about.
 */
export function renderEmail(content: EmailContent, locale: MailLocale): { subject: string; text: string; html: string } {
  const w = wordsFor(content, locale);
  const text = [...w.paragraphs, `${w.link.label}: ${w.link.url}`, '', '-- Tutorline'].join('\n\n');
  const html = [
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(w.subject)}</title></head><body>`,
    ...w.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(w.link.url)}">${escapeHtml(w.link.label)}</a></p>`,
    `<p>${escapeHtml(w.link.url)}</p>`,
    '<p>-- Tutorline</p></body></html>',
  ].join('\n');
  return { subject: w.subject, text, html };
}

/**
 * Whether an address can be written to: one @, a dotted domain, no spaces or angle brackets, at most 254 characters,
 * and not a reserved `.invalid` domain (accounts made from WhatsApp and erased accounts carry those).
 */
export function emailAddressValid(address: string): boolean {
  if (address.length > 254 || !/^[^\s@<>(),;:"\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(address)) return false;
  return !/\.invalid$/i.test(address);
}

/** What an SMTP failure means for the message: a 5xx refusal is final; anything else (no connection, 4xx) is tried again. */
export function smtpOutcome(responseCode: number | undefined): 'retry' | 'refused' {
  return responseCode !== undefined && responseCode >= 500 && responseCode < 600 ? 'refused' : 'retry';
}
