import type { Activity } from './lti.usage.rules';
import { minutesOf } from './lti.usage.rules';

/**
 * xAPI 1.0.3 statements for a course's activities (issue #16), pure: the actor is the learner's LMS identity
 * (account on the platform's issuer, so the institution recognises them without an email), the verb an ADL one, the
 * object our activity, grouped under the course. The statement id is derived from what it describes, so sending it
 * twice is the same statement to the LRS.
 */
export const ADL_VERBS = {
  attended: { id: 'http://adlnet.gov/expapi/verbs/attended', display: { 'en-US': 'attended' } },
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
} as const;

const ACTIVITY_TYPES = { session: 'http://adlnet.gov/expapi/activities/meeting', lesson: 'http://adlnet.gov/expapi/activities/lesson', class: 'http://adlnet.gov/expapi/activities/meeting' } as const;
const NAMES = { session: 'Instant help session', lesson: 'Tutoring lesson', class: 'Group class' } as const;

export const verbOf = (kind: Activity['kind']): keyof typeof ADL_VERBS => (kind === 'lesson' ? 'completed' : 'attended');

/** A name-based UUID (version 5 layout) from a SHA-1 digest the caller computes (rules do no crypto I/O, only shape). */
export function uuidFromDigest(hex: string): string {
  const h = hex.slice(0, 32).split('');
  h[12] = '5';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

export const statementKey = (courseId: string, a: Pick<Activity, 'kind' | 'id' | 'userId'>) => `${courseId}\n${a.userId}\n${a.kind}\n${a.id}`;

export function xapiStatement(p: {
  id: string;
  activity: Activity;
  learner: { name: string; issuer: string; sub: string };
  course: { id: string; title: string; contextId: string };
  toolOrigin: string;
}): Record<string, unknown> {
  const { activity: a, toolOrigin } = p;
  const verb = ADL_VERBS[verbOf(a.kind)];
  const minutes = minutesOf(a);
  return {
    id: p.id,
    actor: { objectType: 'Agent', name: p.learner.name, account: { homePage: p.learner.issuer, name: p.learner.sub } },
    verb,
    object: {
      objectType: 'Activity',
      id: `${toolOrigin}/xapi/activities/${a.kind}/${a.id}`,
      definition: { type: ACTIVITY_TYPES[a.kind], name: { 'en-US': a.title || NAMES[a.kind] } },
    },
    result: { completion: a.endedAt !== null, duration: `PT${minutes}M` },
    context: {
      platform: 'Tutorline',
      contextActivities: { grouping: [{ objectType: 'Activity', id: `${toolOrigin}/xapi/courses/${p.course.id}`, definition: { type: 'http://adlnet.gov/expapi/activities/course', name: { 'en-US': p.course.title } } }] },
      extensions: { 'https://purl.imsglobal.org/spec/lti/claim/context': { id: p.course.contextId } },
    },
    timestamp: a.startedAt.toISOString(),
  };
}

/** The LRS of a registration as used: its statements endpoint and Basic credentials. */
export interface LrsConfig {
  endpoint: string;
  key: string;
  secret: string;
}
/** As stored in settings.lrs: the secret only sealed (the LRS key box), like the tool's private keys. */
export interface StoredLrs {
  endpoint: string;
  key: string;
  secretSealed: string;
}

/** The registration's LRS with its secret opened by `open`; null when it has none (or only an unsealed legacy secret). */
export function lrsConfigOf(settings: Record<string, unknown>, open: (sealed: string) => string): LrsConfig | null {
  const l = settings.lrs as Partial<StoredLrs> | undefined;
  if (!l || typeof l.endpoint !== 'string' || typeof l.key !== 'string' || typeof l.secretSealed !== 'string') return null;
  return { endpoint: l.endpoint.replace(/\/+$/, ''), key: l.key, secret: open(l.secretSealed) };
}

/** The settings with the LRS stored sealed (or removed, for null). */
export function withLrs(settings: Record<string, unknown>, lrs: { endpoint: string; key: string; secret: string } | null, seal: (plain: string) => string): Record<string, unknown> {
  const { lrs: _old, ...rest } = settings;
  if (!lrs) return rest;
  const stored: StoredLrs = { endpoint: lrs.endpoint, key: lrs.key, secretSealed: seal(lrs.secret) };
  return { ...rest, lrs: stored };
}

/** A secret stored in the clear by an earlier version (settings.lrs.secret), to be sealed at start; null when none. */
export function unsealedLrsOf(settings: Record<string, unknown>): { endpoint: string; key: string; secret: string } | null {
  const l = settings.lrs as { endpoint?: unknown; key?: unknown; secret?: unknown } | undefined;
  if (!l || typeof l.endpoint !== 'string' || typeof l.key !== 'string' || typeof l.secret !== 'string') return null;
  return { endpoint: l.endpoint, key: l.key, secret: l.secret };
}
