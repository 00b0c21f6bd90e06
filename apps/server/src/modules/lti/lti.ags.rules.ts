/**
 * Assignment and Grade Services 2.0 decisions with no I/O (issue #16): the AGS claim of a launch, the line item and
 * the score an outcome becomes, and what an answer from the platform means (done, stale, retry when, or refused).
 * References: 1EdTech LTI AGS 2.0 §3.2 (line items), §3.4 (scores); RFC 9110 §10.2.3 (Retry-After).
 */

export const AGS_ENDPOINT_CLAIM = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';
export const AGS_SCOPES = {
  lineitem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineitemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
} as const;
export const LINE_ITEM_TYPE = 'application/vnd.ims.lis.v2.lineitem+json';
export const LINE_ITEM_CONTAINER_TYPE = 'application/vnd.ims.lis.v2.lineitemcontainer+json';
export const SCORE_TYPE = 'application/vnd.ims.lis.v1.score+json';

export type OutcomeKind = 'lesson' | 'class' | 'help';
export const outcomeKinds: readonly OutcomeKind[] = ['lesson', 'class', 'help'];

/** A score's job gives up after this many tries (each 5xx or 429 waits longer, or as long as Retry-After says). */
export const SCORE_MAX_ATTEMPTS = 8;
/** A Retry-After further out than this is capped (a platform asking for a day would otherwise park the score). */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;
/** An access token is used until this long before it expires, so it never runs out in flight. */
export const TOKEN_EXPIRY_MARGIN_MS = 30_000;

export interface AgsEndpoint {
  lineItemsUrl: string;
  scopes: string[];
}

/** The AGS claim of a verified id_token, when it offers a line items container and the score scope. */
export function agsEndpointOf(payload: Record<string, unknown>): AgsEndpoint | null {
  const c = payload[AGS_ENDPOINT_CLAIM];
  if (!c || typeof c !== 'object' || Array.isArray(c)) return null;
  const { lineitems, scope } = c as { lineitems?: unknown; scope?: unknown };
  if (typeof lineitems !== 'string' || !/^https?:\/\//.test(lineitems)) return null;
  const scopes = Array.isArray(scope) ? scope.filter((s): s is string => typeof s === 'string') : [];
  if (!scopes.includes(AGS_SCOPES.score)) return null;
  return { lineItemsUrl: lineitems, scopes };
}

/** The scopes we ask a token for: scores, plus managing line items when the platform lets us (read-only otherwise). */
export function tokenScopesFor(endpoint: AgsEndpoint): string[] {
  const lineItems = endpoint.scopes.includes(AGS_SCOPES.lineitem) ? AGS_SCOPES.lineitem : endpoint.scopes.includes(AGS_SCOPES.lineitemReadonly) ? AGS_SCOPES.lineitemReadonly : null;
  return [AGS_SCOPES.score, ...(lineItems ? [lineItems] : [])].sort();
}

/** The column a kind of outcome is graded in: found again by its tag and resourceId, so each course has one. */
export function lineItemFor(kind: OutcomeKind): { label: string; tag: string; resourceId: string; scoreMaximum: number } {
  const labels: Record<OutcomeKind, string> = { lesson: 'Tutoring lessons completed', class: 'Group classes attended', help: 'Instant-help questions answered' };
  return { label: `Tutorline: ${labels[kind]}`, tag: `tutorline-${kind}`, resourceId: `tutorline-${kind}`, scoreMaximum: 10 };
}

/** The score for a learner's `count`th outcome of a kind: a running count out of the column's maximum. */
export function scoreBody(a: { platformUserId: string; kind: OutcomeKind; count: number; timestamp: Date }) {
  const { scoreMaximum } = lineItemFor(a.kind);
  const nouns: Record<OutcomeKind, [string, string]> = { lesson: ['lesson completed', 'lessons completed'], class: ['class attended', 'classes attended'], help: ['question answered', 'questions answered'] };
  return {
    userId: a.platformUserId,
    scoreGiven: Math.min(a.count, scoreMaximum),
    scoreMaximum,
    activityProgress: a.count >= scoreMaximum ? 'Completed' : 'InProgress',
    gradingProgress: 'FullyGraded',
    timestamp: a.timestamp.toISOString(),
    comment: `${a.count} ${nouns[a.kind][a.count === 1 ? 0 : 1]} on Tutorline`,
  };
}

/** Whether a score stamped `timestamp` would overwrite a newer one we already delivered. */
export const isStale = (delivered: Date | null, timestamp: Date) => delivered !== null && delivered.getTime() >= timestamp.getTime();

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP-date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | null {
  if (!header) return null;
  const value = header.trim();
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now.getTime();
  if (Number.isNaN(ms)) return null;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

export type AgsAnswer = { kind: 'ok' } | { kind: 'stale' } | { kind: 'unauthorized' } | { kind: 'retry'; afterMs: number | null } | { kind: 'refused' };

/** What a status from an AGS endpoint means: 5xx and 429 are retried (honouring Retry-After), other 4xx are final. */
export function classifyAnswer(status: number, retryAfter: string | null, now: Date): AgsAnswer {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 409) return { kind: 'stale' };
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 429 || status >= 500) return { kind: 'retry', afterMs: retryAfterMs(retryAfter, now) };
  return { kind: 'refused' };
}

/** The URL of a line item's scores (AGS §3.4: `/scores` appended to its path, keeping any query). */
export function scoresUrl(lineItemUrl: string): string {
  const u = new URL(lineItemUrl);
  u.pathname = `${u.pathname.replace(/\/$/, '')}/scores`;
  return u.toString();
}

/** The next page of a container from its Link header (RFC 8288), if any. */
export function nextLink(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (m) return m[1]!;
  }
  return null;
}
