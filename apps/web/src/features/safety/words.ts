import type { ReportCategory, SafetyFlag } from '@tutorline/contracts';

/** The report categories in plain words, in the order the form lists them (#20). */
export const categoryWords: Record<ReportCategory, string> = {
  contact_request: 'Asked for my phone number, social media or to talk outside Tutorline',
  inappropriate_language: 'Rude or inappropriate language',
  sexual_content: 'Sexual messages, pictures or talk',
  grooming: 'Tried to get too close, asked me to keep secrets',
  threats: 'Threatened me or someone else',
  harassment: 'Bullying or harassment',
  other: 'Something else',
};

/** Short names for the ops queue. */
export const categoryShort: Record<ReportCategory, string> = {
  contact_request: 'Contact request',
  inappropriate_language: 'Inappropriate language',
  sexual_content: 'Sexual content',
  grooming: 'Grooming',
  threats: 'Threats',
  harassment: 'Harassment',
  other: 'Other',
};

export const flagWords: Record<SafetyFlag['kind'], string> = {
  repeat_contact: 'Repeated attempts to share contact details',
  long_call: 'Call with a student under 18 ran long',
  severe_report: 'Severe report',
};

export const sourceWords = { room: 'from the live room', session_page: 'from the session page', whatsapp: 'on WhatsApp' } as const;
