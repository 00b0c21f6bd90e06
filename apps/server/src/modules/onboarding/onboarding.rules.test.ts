import { applicationStatuses, type ApplicationStatus } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import { type ApplicationEvent, applicationEvents, applicationTransitions, checkDecision, decisionNotice, eventActor, isDecided, missingItems, transition } from './onboarding.rules';

// The whole machine written out once more, independently of the table: every pair not listed here must be refused.
const allowed: Record<string, ApplicationStatus> = {
  'draft+edit': 'draft',
  'draft+submit': 'applied',
  'applied+start_review': 'under_review',
  'under_review+request_info': 'needs_info',
  'under_review+approve': 'approved',
  'under_review+reject': 'rejected',
  'needs_info+edit': 'needs_info',
  'needs_info+resubmit': 'under_review',
};

describe('the application pipeline', () => {
  it('walks every status × event: the allowed pairs move as written, every other pair is refused', () => {
    let checked = 0;
    for (const from of applicationStatuses) {
      for (const event of applicationEvents) {
        const expected = allowed[`${from}+${event}`];
        const got = transition(from, event);
        if (expected) expect(got, `${from} + ${event}`).toEqual({ ok: true, status: expected });
        else expect(got, `${from} + ${event}`).toEqual({ ok: false, reason: 'forbidden_transition', from, event });
        checked++;
      }
    }
    expect(checked).toBe(applicationStatuses.length * applicationEvents.length);
    expect(Object.values(applicationTransitions).flatMap((row) => Object.keys(row)).length).toBe(Object.keys(allowed).length);
  });

  it('has decided statuses with no way out, and every status reachable from draft', () => {
    for (const s of applicationStatuses) expect(Object.keys(applicationTransitions[s]).length === 0).toBe(isDecided(s));
    const seen = new Set<ApplicationStatus>(['draft']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const from of [...seen]) {
        for (const to of Object.values(applicationTransitions[from])) {
          if (!seen.has(to)) {
            seen.add(to);
            changed = true;
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([...applicationStatuses].sort());
  });

  it('lets only the tutor edit and submit, and only staff review and decide', () => {
    const tutorEvents = applicationEvents.filter((e) => eventActor[e] === 'tutor');
    expect(tutorEvents.sort()).toEqual<ApplicationEvent[]>(['edit', 'resubmit', 'submit']);
  });
});

describe('what is missing', () => {
  const full = {
    bio: 'I have taught maths for ten years in Pune.',
    subjects: [{ subjectId: 'maths', subjectName: 'Mathematics', level: 'grade-9-10', sampleAnswer: 'To solve 2x + 3 = 7, subtract 3 from both sides and divide by 2, so x = 2.' }],
    documentKinds: ['id_document' as const, 'qualification' as const],
  };
  it('is nothing for a complete application', () => expect(missingItems(full)).toEqual([]));
  it('names each missing part in words', () => {
    expect(missingItems({ bio: '', subjects: [{ subjectId: 'physics', level: 'university', sampleAnswer: 'short' }], documentKinds: [] })).toEqual([
      'A short profile about you (at least 20 characters)',
      'A sample answer for physics (university), at least 40 characters',
      'An ID document (photo or PDF)',
      'Proof of qualification (photo or PDF)',
    ]);
    expect(missingItems({ ...full, subjects: [] })).toEqual(['At least one subject and level you want to teach']);
  });
});

describe('approving per subject and level', () => {
  const applied = [
    { subjectId: 'maths', level: 'grade-9-10' },
    { subjectId: 'physics', level: 'grade-11-12' },
  ];
  it('approves exactly the chosen pairs and lists the rest as not approved', () => {
    expect(checkDecision('approve', applied, [{ subjectId: 'maths', level: 'grade-9-10' }, { subjectId: 'maths', level: 'grade-9-10' }])).toEqual({
      ok: true,
      approved: [{ subjectId: 'maths', level: 'grade-9-10' }],
      notApproved: [{ subjectId: 'physics', level: 'grade-11-12' }],
    });
  });
  it('refuses a pair not applied for (another level of an applied subject too), naming it', () => {
    expect(checkDecision('approve', applied, [{ subjectId: 'maths', level: 'grade-9-10' }, { subjectId: 'maths', level: 'university' }])).toEqual({
      ok: false,
      reason: 'not_applied_for',
      pairs: [{ subjectId: 'maths', level: 'university' }],
    });
  });
  it('refuses an approval of nothing, and subjects on a rejection', () => {
    expect(checkDecision('approve', applied, [])).toEqual({ ok: false, reason: 'nothing_approved' });
    expect(checkDecision('reject', applied, [applied[0]!])).toEqual({ ok: false, reason: 'subjects_on_reject' });
    expect(checkDecision('reject', applied, [])).toEqual({ ok: true, approved: [], notApproved: applied });
  });
  it('words each decision for the tutor', () => {
    expect(decisionNotice('approved', { approved: ['Mathematics (grade-9-10)'], notApproved: ['Physics (grade-11-12)'] })).toContain('Not approved for now: Physics (grade-11-12)');
    expect(decisionNotice('needs_info', { missing: ['A clearer ID photo'] })).toContain('We need: A clearer ID photo.');
    expect(decisionNotice('rejected', { reason: 'No qualification shown' })).toBe('Your Tutorline application was not approved. Reason: No qualification shown');
  });
});
