import type { WhatsAppConfig } from '../../config';
import { type TemplateDefinition, type TemplateMessage, templateParam } from '../../integrations/whatsapp';

/**
 * The templates Tutorline sends outside the 24-hour window, as they must be approved in the WhatsApp Business
 * Account (names and language from configuration; README lists the texts). The simulator's fake Graph API holds
 * exactly these, so a send that would not fit the approved template fails there too.
 */
export function tutorlineTemplates(t: WhatsAppConfig['templates']): TemplateDefinition[] {
  return [
    {
      name: t.questionAlert,
      language: t.language,
      header: 'image',
      body: '📚 New question: {{1}}\n\nTap Accept to take it. The first tutor to accept gets the student.',
      quickReplies: ['Accept', 'Pause alerts'],
    },
    { name: t.update, language: t.language, header: null, body: 'Tutorline: {{1}}\n\nReply here to continue.', quickReplies: [] },
  ];
}

/** Any message as the generic update template, its text as the one parameter. */
export function updateTemplate(t: WhatsAppConfig['templates'], text: string): TemplateMessage {
  return { type: 'template', name: t.update, language: t.language, bodyParams: [templateParam(text)] };
}

/**
 * A tutor's new-question alert as a template: the question's photo as the header, what it is as the parameter, and
 * the same Accept and Pause alerts payloads as the interactive alert's buttons.
 */
export function questionAlertTemplate(
  t: WhatsAppConfig['templates'],
  q: { subjectName: string; levelName: string; photoCount: number; photoLink: string },
  payloads: string[],
): TemplateMessage {
  const what = `${q.subjectName} · ${q.levelName}${q.photoCount > 1 ? ` · ${q.photoCount} photos` : ''}`;
  return { type: 'template', name: t.questionAlert, language: t.language, bodyParams: [templateParam(what)], headerImageLink: q.photoLink, quickReplyPayloads: payloads };
}
