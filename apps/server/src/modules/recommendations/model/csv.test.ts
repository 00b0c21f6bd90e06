import { describe, expect, it } from 'vitest';
import { parseInteractionsCsv, parseIsoTimestamp, splitCsvLine } from './csv';

describe('parseInteractionsCsv', () => {
  it('loads the good rows and refuses an unknown kind and a bad date by line number', () => {
    const text = [
      'student_id,tutor_id,subject,ts,kind,value',
      's1,t1,maths,2026-03-01T10:00:00Z,lesson,60',
      's1,t2,maths,2026-03-02T10:00:00Z,hug,1',
      's2,t1,physics,yesterday,session,20',
      's2,t1,physics,2026-02-30,session,20',
      '',
      's2,t3,physics,2026-03-03,rating,4.5',
    ].join('\r\n');
    const { rows, refused } = parseInteractionsCsv(text);
    expect(rows).toEqual([
      { studentId: 's1', tutorId: 't1', subject: 'maths', ts: new Date('2026-03-01T10:00:00Z'), kind: 'lesson', value: 60 },
      { studentId: 's2', tutorId: 't3', subject: 'physics', ts: new Date('2026-03-03T00:00:00Z'), kind: 'rating', value: 4.5 },
    ]);
    expect(refused.map((r) => r.line)).toEqual([3, 4, 5]);
    expect(refused[0]!.reason).toMatch(/unknown kind "hug"/);
    expect(refused[1]!.reason).toMatch(/bad date "yesterday"/);
    expect(refused[2]!.reason).toMatch(/bad date/);
  });

  it('reads any column order from the header, quoted fields, a BOM, and works without a header', () => {
    const withHeader = '\uFEFFkind,value,ts,subject,tutor_id,student_id\nfavourite,1,2026-03-01T10:00:00+05:30,"computer science, intro","t ""9""",s1\n';
    expect(parseInteractionsCsv(withHeader)).toEqual({
      rows: [{ studentId: 's1', tutorId: 't "9"', subject: 'computer science, intro', ts: new Date('2026-03-01T04:30:00Z'), kind: 'favourite', value: 1 }],
      refused: [],
    });
    const bare = 's1,t1,maths,2026-03-01 10:00,no_show,1';
    expect(parseInteractionsCsv(bare).rows[0]).toMatchObject({ kind: 'no_show', ts: new Date('2026-03-01T10:00:00Z') });
  });

  it('refuses missing fields, empty ids, a value that is not a number and an open quote', () => {
    const { rows, refused } = parseInteractionsCsv(['s1,t1,maths,2026-03-01,lesson', ',t1,maths,2026-03-01,lesson,60', 's1,t1,maths,2026-03-01,lesson,lots', 's1,t1,maths,2026-03-01,lesson,', '"s1,t1,maths,2026-03-01,lesson,60'].join('\n'));
    expect(rows).toEqual([]);
    expect(refused).toEqual([
      { line: 1, reason: 'expected 6 fields, found 5' },
      { line: 2, reason: 'student_id is empty' },
      { line: 3, reason: 'value "lots" is not a number' },
      { line: 4, reason: 'value "" is not a number' },
      { line: 5, reason: 'a quoted field is not closed' },
    ]);
  });

  it('refuses a header that lacks a column', () => {
    expect(parseInteractionsCsv('student_id,tutor_id,ts,kind,value\n').refused).toEqual([{ line: 1, reason: 'header lacks subject' }]);
  });
});

describe('parseIsoTimestamp and splitCsvLine', () => {
  it('reads ISO 8601 dates and date-times as UTC unless an offset says otherwise, refusing impossible ones', () => {
    expect(parseIsoTimestamp('2026-03-01')).toEqual(new Date('2026-03-01T00:00:00Z'));
    expect(parseIsoTimestamp('2026-03-01T10:00:00.250-04:00')).toEqual(new Date('2026-03-01T14:00:00.250Z'));
    expect(parseIsoTimestamp('2028-02-29T00:00Z')).toEqual(new Date('2028-02-29T00:00:00Z'));
    for (const bad of ['2026-02-29', '2026-13-01', '2026-03-01T24:00', '03/01/2026', '', '2026-03-01T10:00:00Zjunk']) expect(parseIsoTimestamp(bad)).toBeNull();
  });

  it('splits quoted fields', () => {
    expect(splitCsvLine('a, "b,c" ,"d""e",')).toEqual(['a', 'b,c', 'd"e', '']);
  });
});
