import { describe, expect, it } from 'vitest';
import { contentItemFor, customOf, deepLinkAudience, deepLinkResponseClaims, deepLinkSettingsOf, frameOriginsOf, landingPath, parseChoice } from './lti.deeplink.rules';
import { checkLaunchClaims } from './lti.rules';

const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const tutorId = '7d1f0f0e-8a7b-4c4d-9e0f-123456789abc';

describe('deep linking rules', () => {
  it('reads the deep_linking_settings claim, and refuses one without an http(s) return URL or that refuses links', () => {
    expect(deepLinkSettingsOf({ [`${DL}deep_linking_settings`]: { deep_link_return_url: 'https://lms.example/return', data: 'abc', accept_types: ['ltiResourceLink', 'link'] } })).toEqual({
      returnUrl: 'https://lms.example/return',
      data: 'abc',
      acceptTypes: ['ltiResourceLink', 'link'],
      acceptMultiple: true,
    });
    expect(deepLinkSettingsOf({})).toBeNull();
    expect(deepLinkSettingsOf({ [`${DL}deep_linking_settings`]: { deep_link_return_url: 'javascript:alert(1)' } })).toBeNull();
    expect(deepLinkSettingsOf({ [`${DL}deep_linking_settings`]: { deep_link_return_url: 'https://lms.example/r', accept_types: ['file'] } })).toBeNull();
  });

  it('a deep-linking request needs its settings but no resource link', () => {
    const now = new Date('2026-12-07T00:00:00Z');
    const sec = Math.floor(now.getTime() / 1000);
    const base = { iss: 'https://p', aud: 'c', sub: 's', iat: sec, exp: sec + 60, nonce: 'n', [`${LTI}deployment_id`]: 'd', [`${LTI}version`]: '1.3.0', [`${LTI}message_type`]: 'LtiDeepLinkingRequest', [`${LTI}target_link_uri`]: 'https://tool/lti/launch' };
    const expect_ = { issuer: 'https://p', clientId: 'c', nonce: 'n', toolOrigin: 'https://tool' };
    expect(checkLaunchClaims(base, expect_, now)).toEqual({ ok: false, reason: 'deep_linking_settings_missing' });
    const ok = checkLaunchClaims({ ...base, [`${DL}deep_linking_settings`]: { deep_link_return_url: 'https://p/return' }, [`${LTI}custom`]: { a: 1, b: { x: 1 } } }, expect_, now);
    expect(ok.ok && ok.value.deepLinking?.returnUrl).toBe('https://p/return');
    expect(ok.ok && ok.value.custom).toEqual({ a: '1' });
    expect(checkLaunchClaims({ ...base, [`${LTI}message_type`]: 'LtiResourceLinkRequest' }, expect_, now)).toEqual({ ok: false, reason: 'resource_link_missing' });
  });

  it('parses each kind of pick, and names the wrong field', () => {
    expect(parseChoice({ kind: 'instant', subject: ' Maths ' })).toEqual({ ok: true, value: { spec: { kind: 'instant', subject: 'maths' }, title: 'Instant help: maths', lineItem: null } });
    expect(parseChoice({ kind: 'book', tutorId, minutes: '60', lineItem: 'on' })).toMatchObject({ ok: true, value: { spec: { kind: 'book_tutor', tutorId, minutes: 60 }, lineItem: { scoreMaximum: 100 } } });
    expect(parseChoice({ kind: 'book', subject: 'maths', minutes: '30' })).toMatchObject({ ok: true, value: { spec: { kind: 'book_pool', subject: 'maths', minutes: 30 } } });
    expect(parseChoice({ kind: 'book', subject: 'maths', minutes: '7' })).toMatchObject({ ok: false, problem: expect.stringContaining('lesson length') });
    expect(parseChoice({ kind: 'book', minutes: '30' })).toMatchObject({ ok: false, problem: expect.stringContaining('tutor') });
    expect(parseChoice({ kind: 'book', tutorId: 'not-a-uuid', minutes: '30' })).toMatchObject({ ok: false });
    expect(parseChoice({ kind: 'class', classId: tutorId })).toMatchObject({ ok: true, value: { spec: { kind: 'class', classId: tutorId } } });
    expect(parseChoice({ kind: 'series', seriesId: '' })).toMatchObject({ ok: false });
    expect(parseChoice({ kind: 'instant', subject: 'maths', lineItem: 'on', scoreMaximum: '0' })).toMatchObject({ ok: false });
    expect(parseChoice({ kind: 'nothing' })).toMatchObject({ ok: false, problem: 'Choose what to add to the course.' });
  });

  it('builds the content item with its line item, and the response claims with data echoed', () => {
    const item = contentItemFor({ id: 'i1', title: 'T', lineItem: { scoreMaximum: 10, label: 'T' } }, 'https://tool');
    expect(item).toEqual({ type: 'ltiResourceLink', title: 'T', url: 'https://tool/lti/launch', custom: { tutorline_item: 'i1' }, lineItem: { scoreMaximum: 10, label: 'T', resourceId: 'i1', tag: 'tutorline' } });
    const claims = deepLinkResponseClaims({ deploymentId: 'd', data: 'xyz', items: [item], nonce: 'n' });
    expect(claims[`${LTI}message_type`]).toBe('LtiDeepLinkingResponse');
    expect(claims[`${DL}data`]).toBe('xyz');
    expect(deepLinkResponseClaims({ deploymentId: 'd', data: null, items: [], nonce: 'n' })).not.toHaveProperty(`${DL}data`);
  });

  it('addresses Blackboard as https://blackboard.com whatever its issuer, others by their issuer', () => {
    expect(deepLinkAudience({ issuer: 'https://blackboard.com', settings: {} })).toBe('https://blackboard.com');
    expect(deepLinkAudience({ issuer: 'https://school.blackboard.example', settings: { dialect: 'blackboard' } })).toBe('https://blackboard.com');
    expect(deepLinkAudience({ issuer: 'https://moodle.school.example', settings: { dialect: 'moodle' } })).toBe('https://moodle.school.example');
  });

  it('lands each kind on its page, with the course', () => {
    expect(landingPath({ kind: 'instant', subject: 'maths' }, 'c1')).toBe('/student/ask?subject=maths&course=c1');
    expect(landingPath({ kind: 'book_tutor', tutorId, minutes: 45 }, 'c1')).toBe(`/tutors/${tutorId}?minutes=45&course=c1`);
    expect(landingPath({ kind: 'book_pool', subject: 'maths', minutes: 30 }, null)).toBe('/tutors?subject=maths&minutes=30');
    expect(landingPath({ kind: 'series', seriesId: tutorId }, 'c1')).toBe(`/classes?series=${tutorId}&course=c1`);
  });

  it('frames by the registration origins, or by the admin setting', () => {
    expect(frameOriginsOf({ issuer: 'https://canvas.instructure.com', authLoginUrl: 'https://sso.canvaslms.com/api/lti/authorize_redirect', settings: {} })).toEqual(['https://canvas.instructure.com', 'https://sso.canvaslms.com']);
    expect(frameOriginsOf({ issuer: 'not a url', authLoginUrl: 'https://lms.example/auth', settings: {} })).toEqual(['https://lms.example']);
    expect(frameOriginsOf({ issuer: 'https://x', authLoginUrl: 'https://y/auth', settings: { frameOrigins: ['https://school.instructure.com/', 'javascript:1'] } })).toEqual(['https://school.instructure.com']);
  });

  it('keeps only scalar custom values', () => {
    expect(customOf({ a: 'x', b: 2, c: true, d: null, e: [] })).toEqual({ a: 'x', b: '2', c: 'true' });
    expect(customOf('nope')).toEqual({});
  });
});
