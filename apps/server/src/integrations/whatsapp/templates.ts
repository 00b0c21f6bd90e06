import { z } from 'zod';
import type { OutboundMessage } from './types';

/**
 * Message templates: outside the 24-hour customer service window only a template approved in the WhatsApp Business
 * Account may be sent. A definition says what the approved template holds, so a send can be checked against it (as
 * Meta checks it) and shown as a phone shows it (the development simulator).
 */
export interface TemplateDefinition {
  /** As approved in the WhatsApp Business Account. */
  name: string;
  language: string;
  /** 'image': an IMAGE header whose picture each send gives (`headerImageLink`). */
  header: 'image' | null;
  /** The approved body; {{1}}, {{2}}… are filled from `bodyParams`, in order. */
  body: string;
  /** Quick-reply buttons' texts in index order; each send gives their payloads (`quickReplyPayloads`). */
  quickReplies: string[];
}

export type TemplateMessage = Extract<OutboundMessage, { type: 'template' }>;

export interface RenderedTemplate {
  name: string;
  headerImage: string | null;
  body: string;
  /** A tap sends `payload` back as a button reply (Cloud: `type: "button"`, `button.payload`). */
  buttons: { text: string; payload: string }[];
}

const placeholders = (body: string) => [...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1]));
export const bodyParamCount = (def: TemplateDefinition) => Math.max(0, ...placeholders(def.body));

/**
 * A body parameter as Meta accepts it: no new lines or tabs and at most four spaces in a row (error #132018), and
 * not empty. Longer text is shortened with an ellipsis.
 */
export function templateParam(text: string, max = 900): string {
  const flat = text.replace(/[\r\n\t]+/g, ' · ').replace(/ {2,}/g, ' ').replace(/^( · )+|( · )+$/g, '').trim();
  const chars = [...(flat || '—')];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/** Meta's error codes for a template send that does not fit the approved template. */
export type TemplateProblem = { code: 132001 | 132000 | 132012 | 132018; message: string };

/** Why the approved templates refuse this send (empty: it fits one of them). */
export function templateProblems(definitions: readonly TemplateDefinition[], m: TemplateMessage): TemplateProblem[] {
  const def = definitions.find((d) => d.name === m.name && d.language === m.language);
  if (!def) return [{ code: 132001, message: `(#132001) Template name does not exist in the translation: ${m.name} (${m.language})` }];
  const problems: TemplateProblem[] = [];
  if (m.bodyParams.length !== bodyParamCount(def)) {
    problems.push({ code: 132000, message: `(#132000) Number of parameters does not match the expected number of params: body expects ${bodyParamCount(def)}, got ${m.bodyParams.length}` });
  }
  for (const p of m.bodyParams) {
    if (/[\n\t]| {5,}/.test(p)) problems.push({ code: 132018, message: '(#132018) There was an issue with the parameters in your template: param text cannot have new-line/tab characters or more than 4 consecutive spaces' });
  }
  if ((def.header === 'image') !== Boolean(m.headerImageLink)) {
    problems.push({ code: 132012, message: `(#132012) Parameter format does not match format in the created template: header ${def.header ?? 'none'}` });
  }
  if ((m.quickReplyPayloads?.length ?? 0) > def.quickReplies.length) {
    problems.push({ code: 132012, message: `(#132012) Parameter format does not match format in the created template: ${def.quickReplies.length} quick-reply buttons` });
  }
  return problems;
}

/** The send as a phone shows it: the header picture, the body with its parameters, and the quick-reply buttons. */
export function renderTemplate(def: TemplateDefinition, m: TemplateMessage): RenderedTemplate {
  return {
    name: def.name,
    headerImage: def.header === 'image' ? (m.headerImageLink ?? null) : null,
    body: def.body.replace(/\{\{(\d+)\}\}/g, (_, n: string) => m.bodyParams[Number(n) - 1] ?? `{{${n}}}`),
    // A button without a payload of its own sends its text back (what WhatsApp does).
    buttons: def.quickReplies.map((text, i) => ({ text, payload: m.quickReplyPayloads?.[i] ?? text })),
  };
}

const cloudParam = z.object({ type: z.string(), text: z.string().optional(), payload: z.string().optional(), image: z.object({ link: z.string().optional() }).loose().optional() }).loose();
const cloudTemplate = z.object({
  name: z.string(),
  language: z.object({ code: z.string() }).loose(),
  components: z.array(z.object({ type: z.string(), sub_type: z.string().optional(), index: z.union([z.string(), z.number()]).optional(), parameters: z.array(cloudParam).optional() }).loose()).optional(),
});

/** A Cloud API request's `template` object read back into the provider-neutral message (for the fake Graph API). */
export function templateFromCloud(template: unknown): TemplateMessage | null {
  const t = cloudTemplate.safeParse(template);
  if (!t.success) return null;
  const components = t.data.components ?? [];
  const header = components.find((c) => c.type === 'header')?.parameters?.find((p) => p.type === 'image')?.image?.link;
  const body = components.find((c) => c.type === 'body')?.parameters ?? [];
  const buttons = components
    .filter((c) => c.type === 'button' && c.sub_type === 'quick_reply')
    .sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0))
    .map((c) => c.parameters?.find((p) => p.type === 'payload')?.payload ?? '');
  return {
    type: 'template',
    name: t.data.name,
    language: t.data.language.code,
    bodyParams: body.map((p) => p.text ?? ''),
    ...(header ? { headerImageLink: header } : {}),
    ...(buttons.length ? { quickReplyPayloads: buttons } : {}),
  };
}
