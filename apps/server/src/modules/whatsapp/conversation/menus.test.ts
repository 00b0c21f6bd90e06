import { describe, expect, it } from 'vitest';
import { decideStudent, fit, levelLabel, messageLimitProblems, type OutboundMessageSpec, parseStudentReplyId, type StudentState } from '.';
import { subjects, ctx, states, replies, textOf, next, replyIds } from './fixtures.test-support';

// The subject menu, message limits and reply ids.
describe('the subject menu', () => {
  const openMenu = (subs = subjects) => {
    const d = decideStudent(states.idle, { type: 'photo', media: { mediaId: 'a' }, caption: null }, { ...ctx(0), subjects: subs });
    return { state: next(d), list: replies(d)[0]! };
  };
  /** Follows every "more" row and every subject, collecting the (subject, level) pairs the student can reach. */
  const reachable = (subs = subjects) => {
    const pairs = new Set<string>();
    const pages = new Set<number>();
    const visit = (m: OutboundMessageSpec, s: StudentState, second: number) => {
      expect(messageLimitProblems(m)).toEqual([]);
      for (const id of replyIds(m)) {
        const e = parseStudentReplyId(id)!;
        if (e.type === 'subject_chosen') pairs.add(`${e.subjectId}:${e.level}`);
        else if (e.type === 'subject_page' && !pages.has(e.page)) {
          pages.add(e.page);
          const d = decideStudent(s, e, { ...ctx(second), subjects: subs });
          visit(replies(d)[0]!, next(d), second + 1);
        } else if (e.type === 'subject_picked') {
          const d = decideStudent(s, e, { ...ctx(second), subjects: subs });
          for (const lid of replyIds(replies(d)[0]!)) {
            const le = parseStudentReplyId(lid)!;
            if (le.type === 'subject_chosen') pairs.add(`${le.subjectId}:${le.level}`);
          }
        }
      }
    };
    const { state, list } = openMenu(subs);
    visit(list, state, 1);
    return { pairs, pages };
  };

  it('pages the 13 subjects 9 + 4, with a row to move between pages, and reaches every subject × level', () => {
    const { list } = openMenu();
    expect(list).toMatchObject({ kind: 'list', sections: [{ title: 'Subjects (1 of 2)' }] });
    const { pairs, pages } = reachable();
    expect([...pages].sort()).toEqual([0, 1]);
    const all = subjects.flatMap((s) => s.levels.map((l) => `${s.id}:${l.id}`));
    expect([...pairs].sort()).toEqual(all.sort());
  });

  it('shows up to 10 subjects on one page without a "more" row', () => {
    const few = subjects.slice(0, 10);
    const { list } = openMenu(few);
    expect(replyIds(list)).toHaveLength(10);
    expect(replyIds(list).some((id) => id.startsWith('subjects:page'))).toBe(false);
  });

  it('pages 25 subjects 9 + 9 + 7, wrapping back to the start', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ id: `s${i}`, name: `A subject with a very long name number ${i}`, levels: [{ id: 'l', name: 'L' }, { id: 'm', name: 'M' }] }));
    const { pairs, pages } = reachable(many);
    expect([...pages].sort()).toEqual([0, 1, 2]);
    expect(pairs.size).toBe(50);
    const last = decideStudent(openMenu(many).state, { type: 'subject_page', page: 2 }, { ...ctx(1), subjects: many });
    const rows = (replies(last)[0] as Extract<OutboundMessageSpec, { kind: 'list' }>).sections[0]!.rows;
    expect(rows).toHaveLength(8);
    expect(rows.at(-1)).toMatchObject({ id: 'subjects:page:0', title: '⬅️ Back to the start' });
    expect(rows[0]!.title.length).toBeLessThanOrEqual(24);
    // A page number past the end shows the last page.
    const past = decideStudent(openMenu(many).state, { type: 'subject_page', page: 99 }, { ...ctx(1), subjects: many });
    expect(replies(past)[0]).toEqual(replies(last)[0]);
  });

  it('says so when no subject is open', () => {
    expect(textOf(openMenu([]).list)).toMatch(/no subjects are open right now/);
  });

  it('labels levels like the web app', () => {
    expect(levelLabel('grade-9-10')).toBe('Grade 9–10');
    expect(levelLabel('grade-3')).toBe('Grade 3');
    expect(levelLabel('university')).toBe('University');
    expect(levelLabel('competitive-exams')).toBe('Competitive exams');
  });
});

describe('message limits', () => {
  it('reports every broken limit', () => {
    expect(messageLimitProblems({ kind: 'buttons', body: 'x', buttons: [1, 2, 3, 4].map((i) => ({ id: `b${i}`, title: 'A title longer than twenty' })) })).toHaveLength(5);
    expect(messageLimitProblems({ kind: 'list', body: '', button: 'ok', sections: [{ title: 's', rows: [] }] })).toEqual(['body is empty', '0 rows']);
  });
  it('shortens without splitting an emoji', () => {
    expect(fit('abc', 3)).toBe('abc');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('ab😀cd', 4)).toBe('ab…');
  });
  it('reply ids parse back, and unknown ones do not', () => {
    expect(parseStudentReplyId('subject:maths:grade-9-10')).toEqual({ type: 'subject_chosen', subjectId: 'maths', level: 'grade-9-10' });
    expect(parseStudentReplyId('subject:maths')).toEqual({ type: 'subject_picked', subjectId: 'maths' });
    expect(parseStudentReplyId('subjects:page:2')).toEqual({ type: 'subject_page', page: 2 });
    expect(parseStudentReplyId('rate:3')).toEqual({ type: 'rating', stars: 3 });
    for (const bad of ['rate:6', 'rate:0', 'subject:', 'subject:a:b:c', 'accept:q1', 'hello', '']) expect(parseStudentReplyId(bad), bad).toBeNull();
  });
});

