/**
 * Deep Linking 2.0 decisions with no I/O (issue #16): the request's settings, what course staff may place, the content
 * items and the LtiDeepLinkingResponse claims we sign, per-LMS audience, and where a placed item lands a learner.
 * Reference: 1EdTech LTI Deep Linking 2.0 §4.4 (request) and §4.5 (response).
 */

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';

/** How long the picker's one-time token lives: a teacher choosing an item, not a session. */
export const DEEP_LINK_TTL_SECONDS = 30 * 60;
/** Lesson lengths "Book tutoring" offers (minutes). */
export const LESSON_LENGTHS = [30, 45, 60, 90] as const;
/** The custom parameter a placed item carries back on every launch of it. */
export const ITEM_PARAM = 'tutorline_item';

export interface DeepLinkSettings {
  returnUrl: string;
  data: string | null;
  acceptTypes: string[];
  acceptMultiple: boolean;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** The deep_linking_settings claim; null when it is missing, has no http(s) return URL, or refuses links. */
export function deepLinkSettingsOf(payload: Record<string, unknown>): DeepLinkSettings | null {
  const s = obj(payload[`${DL}deep_linking_settings`]);
  const returnUrl = str(s?.deep_link_return_url);
  if (!s || !returnUrl) return null;
  try {
    if (!['https:', 'http:'].includes(new URL(returnUrl).protocol)) return null;
  } catch {
    return null;
  }
  const acceptTypes = Array.isArray(s.accept_types) ? s.accept_types.filter((t): t is string => typeof t === 'string') : [];
  if (acceptTypes.length && !acceptTypes.includes('ltiResourceLink')) return null;
  return { returnUrl, data: str(s.data), acceptTypes, acceptMultiple: s.accept_multiple !== false };
}

/** The custom claim's string values (numbers and booleans as text); anything else is dropped. */
export function customOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v) ?? {})) if (['string', 'number', 'boolean'].includes(typeof x)) out[k] = String(x);
  return out;
}

/** What course staff place in a course. */
export type ItemSpec =
  | { kind: 'instant'; subject: string }
  | { kind: 'book_tutor'; tutorId: string; minutes: number }
  | { kind: 'book_pool'; subject: string; minutes: number }
  | { kind: 'class'; classId: string }
  | { kind: 'series'; seriesId: string };
export type ItemKind = ItemSpec['kind'];
export interface PlacedChoice {
  spec: ItemSpec;
  title: string;
  /** An AGS line item for the score, when staff asked for one. */
  lineItem: { scoreMaximum: number; label: string } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SUBJECT = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** The picker's form, checked: one item, or the field that is wrong in words a teacher reads. */
export function parseChoice(form: Record<string, string | undefined>): { ok: true; value: PlacedChoice } | { ok: false; problem: string } {
  const bad = (problem: string) => ({ ok: false as const, problem });
  const subject = form.subject?.trim().toLowerCase() ?? '';
  const minutes = Number(form.minutes);
  const lengthOk = (LESSON_LENGTHS as readonly number[]).includes(minutes);
  let spec: ItemSpec;
  switch (form.kind) {
    case 'instant':
      if (!SUBJECT.test(subject)) return bad('Choose a subject for instant help.');
      spec = { kind: 'instant', subject };
      break;
    case 'book': {
      if (!lengthOk) return bad(`Choose a lesson length (${LESSON_LENGTHS.join(', ')} minutes).`);
      const tutorId = form.tutorId?.trim() ?? '';
      if (tutorId) {
        if (!UUID.test(tutorId)) return bad('The tutor is not one Tutorline knows.');
        spec = { kind: 'book_tutor', tutorId, minutes };
      } else {
        if (!SUBJECT.test(subject)) return bad('Choose a tutor, or a subject for a pool of tutors.');
        spec = { kind: 'book_pool', subject, minutes };
      }
      break;
    }
    case 'class':
      if (!UUID.test(form.classId?.trim() ?? '')) return bad('Choose a group class.');
      spec = { kind: 'class', classId: form.classId!.trim() };
      break;
    case 'series':
      if (!UUID.test(form.seriesId?.trim() ?? '')) return bad('Choose a series of classes.');
      spec = { kind: 'series', seriesId: form.seriesId!.trim() };
      break;
    default:
      return bad('Choose what to add to the course.');
  }
  const title = (form.title?.trim() || defaultTitle(spec)).slice(0, 120);
  const max = form.lineItem === 'on' ? Number(form.scoreMaximum || 100) : null;
  if (max !== null && !(Number.isFinite(max) && max > 0 && max <= 1000)) return bad('The score maximum must be between 1 and 1000.');
  return { ok: true, value: { spec, title, lineItem: max === null ? null : { scoreMaximum: max, label: title } } };
}

export function defaultTitle(spec: ItemSpec): string {
  switch (spec.kind) {
    case 'instant':
      return `Instant help: ${spec.subject}`;
    case 'book_tutor':
      return `Book a ${spec.minutes}-minute lesson with your tutor`;
    case 'book_pool':
      return `Book a ${spec.minutes}-minute ${spec.subject} lesson`;
    case 'class':
      return 'Join the group class';
    case 'series':
      return 'Join the class series';
  }
}

/** The ltiResourceLink content item for a placed item (launches come back to /lti/launch naming the item). */
export function contentItemFor(item: { id: string; title: string; lineItem: PlacedChoice['lineItem'] }, toolOrigin: string): Record<string, unknown> {
  return {
    type: 'ltiResourceLink',
    title: item.title,
    url: `${toolOrigin}/lti/launch`,
    custom: { [ITEM_PARAM]: item.id },
    ...(item.lineItem ? { lineItem: { scoreMaximum: item.lineItem.scoreMaximum, label: item.lineItem.label, resourceId: item.id, tag: 'tutorline' } } : {}),
  };
}

/**
 * The audience of our deep-link response: the platform's issuer (Deep Linking 2.0 §4.5.1), except Blackboard, whose
 * dialect wants https://blackboard.com whatever the tenant's issuer.
 */
export function deepLinkAudience(registration: { issuer: string; settings: Record<string, unknown> }): string {
  return dialectOf(registration) === 'blackboard' ? 'https://blackboard.com' : registration.issuer;
}

export function dialectOf(registration: { issuer: string; settings: Record<string, unknown> }): string {
  const set = typeof registration.settings.dialect === 'string' ? registration.settings.dialect : null;
  if (set) return set;
  if (registration.issuer === 'https://blackboard.com') return 'blackboard';
  if (registration.issuer === 'https://canvas.instructure.com') return 'canvas';
  return 'generic';
}

/** The LtiDeepLinkingResponse claims (iss, aud, iat, exp and jti are the signer's). */
export function deepLinkResponseClaims(p: { deploymentId: string; data: string | null; items: Record<string, unknown>[]; nonce: string }): Record<string, unknown> {
  return {
    nonce: p.nonce,
    [`${LTI}message_type`]: 'LtiDeepLinkingResponse',
    [`${LTI}version`]: '1.3.0',
    [`${LTI}deployment_id`]: p.deploymentId,
    [`${DL}content_items`]: p.items,
    ...(p.data !== null ? { [`${DL}data`]: p.data } : {}),
    [`${DL}msg`]: p.items.length === 1 ? `Added "${String(p.items[0]!.title)}" from Tutorline.` : `Added ${p.items.length} items from Tutorline.`,
  };
}

/** Where a learner launching a placed item lands (our own paths; the slot picker shows slots in the viewer's zone). */
export function landingPath(spec: ItemSpec, courseId: string | null): string {
  const q = (o: Record<string, string | number | null>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(o)) if (v !== null) p.set(k, String(v));
    return p.toString();
  };
  switch (spec.kind) {
    case 'instant':
      return `/student/ask?${q({ subject: spec.subject, course: courseId })}`;
    case 'book_tutor':
      return `/tutors/${spec.tutorId}?${q({ minutes: spec.minutes, course: courseId })}`;
    case 'book_pool':
      return `/tutors?${q({ subject: spec.subject, minutes: spec.minutes, course: courseId })}`;
    case 'class':
      return `/classes/${spec.classId}?${q({ course: courseId })}`;
    case 'series':
      return `/classes?${q({ series: spec.seriesId, course: courseId })}`;
  }
}

/**
 * The origins that may frame our LTI pages for a registration: its `frameOrigins` setting when an admin set one, else
 * the origins of its OIDC authorization endpoint and issuer (the LMS's own pages). Only http(s) origins count.
 */
export function frameOriginsOf(registration: { issuer: string; authLoginUrl: string; settings: Record<string, unknown> }): string[] {
  const set = Array.isArray(registration.settings.frameOrigins) ? registration.settings.frameOrigins.filter((o): o is string => typeof o === 'string') : null;
  const out = new Set<string>();
  for (const u of set ?? [registration.authLoginUrl, registration.issuer]) {
    try {
      const url = new URL(u);
      if (url.protocol === 'https:' || url.protocol === 'http:') out.add(url.origin);
    } catch {
      // not a URL (an issuer may be any string): no origin
    }
  }
  return [...out].sort();
}
