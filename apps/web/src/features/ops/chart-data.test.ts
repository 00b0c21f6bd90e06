import { expect, it } from 'vitest';
import { toCsv } from './chart-data';

it('writes a chart table as CSV, quoting commas and quotes and defusing formulas', () => {
  expect(toCsv({ columns: ['day', 'asked'], rows: [['2026-12-01', 3], ['a,"b"', 0], ['=SUM(A1)', 1]] })).toBe('day,asked\n2026-12-01,3\n"a,""b""",0\n\'=SUM(A1),1\n');
});
