import { describe, expect, it } from 'vitest';
import { AGS_ENDPOINT_CLAIM, AGS_SCOPES, agsEndpointOf, classifyAnswer, isStale, MAX_RETRY_AFTER_MS, nextLink, retryAfterMs, scoreBody, scoresUrl, tokenScopesFor } from './lti.ags.rules';

const now = new Date('2026-12-07T10:00:00.000Z');

describe('AGS rules', () => {
  it('reads the AGS claim only when it offers a container and the score scope', () => {
    const claim = { lineitems: 'https://lms.example/c/1/lineitems', scope: [AGS_SCOPES.lineitem, AGS_SCOPES.score] };
    expect(agsEndpointOf({ [AGS_ENDPOINT_CLAIM]: claim })).toEqual({ lineItemsUrl: claim.lineitems, scopes: claim.scope });
    expect(agsEndpointOf({ [AGS_ENDPOINT_CLAIM]: { ...claim, scope: [AGS_SCOPES.lineitem] } })).toBeNull();
    expect(agsEndpointOf({ [AGS_ENDPOINT_CLAIM]: { ...claim, lineitems: 'javascript:alert(1)' } })).toBeNull();
    expect(agsEndpointOf({ [AGS_ENDPOINT_CLAIM]: 'nonsense' })).toBeNull();
    expect(agsEndpointOf({})).toBeNull();
  });

  it('asks for the score scope and the widest line item scope granted', () => {
    expect(tokenScopesFor({ lineItemsUrl: 'x', scopes: [AGS_SCOPES.score, AGS_SCOPES.lineitem, AGS_SCOPES.lineitemReadonly] })).toEqual([AGS_SCOPES.lineitem, AGS_SCOPES.score]);
    expect(tokenScopesFor({ lineItemsUrl: 'x', scopes: [AGS_SCOPES.score, AGS_SCOPES.lineitemReadonly] })).toEqual([AGS_SCOPES.lineitemReadonly, AGS_SCOPES.score]);
    expect(tokenScopesFor({ lineItemsUrl: 'x', scopes: [AGS_SCOPES.score] })).toEqual([AGS_SCOPES.score]);
  });

  it('turns a running count into a score out of the column maximum', () => {
    expect(scoreBody({ platformUserId: 'u1', kind: 'lesson', count: 3, timestamp: now })).toEqual({
      userId: 'u1',
      scoreGiven: 3,
      scoreMaximum: 10,
      activityProgress: 'InProgress',
      gradingProgress: 'FullyGraded',
      timestamp: now.toISOString(),
      comment: '3 lessons completed on Tutorline',
    });
    expect(scoreBody({ platformUserId: 'u1', kind: 'class', count: 12, timestamp: now })).toMatchObject({ scoreGiven: 10, activityProgress: 'Completed', comment: '12 classes attended on Tutorline' });
  });

  it('retries 5xx and 429 (with Retry-After), treats 409 as stale, 401 as a token to renew, other 4xx as final', () => {
    expect(classifyAnswer(200, null, now)).toEqual({ kind: 'ok' });
    expect(classifyAnswer(204, null, now)).toEqual({ kind: 'ok' });
    expect(classifyAnswer(500, null, now)).toEqual({ kind: 'retry', afterMs: null });
    expect(classifyAnswer(503, '7', now)).toEqual({ kind: 'retry', afterMs: 7000 });
    expect(classifyAnswer(429, 'Mon, 07 Dec 2026 10:02:00 GMT', now)).toEqual({ kind: 'retry', afterMs: 120_000 });
    expect(classifyAnswer(409, null, now)).toEqual({ kind: 'stale' });
    expect(classifyAnswer(401, null, now)).toEqual({ kind: 'unauthorized' });
    for (const s of [400, 403, 404, 415, 422]) expect(classifyAnswer(s, '5', now)).toEqual({ kind: 'refused' });
  });

  it('reads Retry-After as seconds or a date, capped, never negative', () => {
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs('Mon, 07 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('999999', now)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('drops a score not newer than the one delivered', () => {
    expect(isStale(null, now)).toBe(false);
    expect(isStale(new Date(now.getTime() - 1), now)).toBe(false);
    expect(isStale(now, now)).toBe(true);
    expect(isStale(new Date(now.getTime() + 1), now)).toBe(true);
  });

  it('builds the scores URL and follows Link rel="next"', () => {
    expect(scoresUrl('https://lms.example/c/1/lineitems/7')).toBe('https://lms.example/c/1/lineitems/7/scores');
    expect(scoresUrl('https://lms.example/c/1/lineitems/7?type=x')).toBe('https://lms.example/c/1/lineitems/7/scores?type=x');
    expect(nextLink('<https://lms.example/li?page=1>; rel="first", <https://lms.example/li?page=2>; rel="next"')).toBe('https://lms.example/li?page=2');
    expect(nextLink('<https://lms.example/li?page=1>; rel="prev"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });
});
