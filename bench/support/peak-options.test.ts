import { describe, expect, it } from 'vitest';
import { parsePeakOptions, PeakOptionsError, peakDefaults, schedule } from './peak-options';

describe('peak hour knobs', () => {
  it('defaults to the issue population and compresses the peak hour into the given minutes', () => {
    const o = parsePeakOptions([], {});
    expect(o).toMatchObject({ students: 30_000, tutors: 1_000, tutorSockets: 1_000, studentSockets: 3_000, nodes: 3 });
    // 5,000 sessions a day × 12% in the peak hour = 600 questions, in 3 minutes.
    expect(o.questionsPerMinute).toBe((peakDefaults.sessionsPerDay * peakDefaults.peakShare) / peakDefaults.minutes);
  });

  it('takes flags (spaced or with =) over PEAK_* variables over defaults', () => {
    const o = parsePeakOptions(['--students', '2000', '--qpm=12', '--student-sockets', '400'], { PEAK_STUDENTS: '5000', PEAK_TUTORS: '100', PEAK_TUTOR_SOCKETS: '100' });
    expect(o).toMatchObject({ students: 2_000, tutors: 100, tutorSockets: 100, studentSockets: 400, questionsPerMinute: 12 });
  });

  it('refuses bad input, naming the knob', () => {
    expect(() => parsePeakOptions(['--students', 'many'], {})).toThrow(/--students must be a non-negative number/);
    expect(() => parsePeakOptions(['--bogus', '1'], {})).toThrow(/Unknown option --bogus/);
    expect(() => parsePeakOptions([], { PEAK_WORKERS: '-1' })).toThrow(PeakOptionsError);
    expect(() => parsePeakOptions(['--tutor-sockets', '2000'], {})).toThrow(/cannot exceed tutors/);
    expect(() => parsePeakOptions(['--minutes', '30'], {})).toThrow(/bounded/);
    expect(() => parsePeakOptions(['--student-sockets', '100', '--students', '100'], {})).toThrow(/need as many connected students/);
  });

  it('spaces a steady rate evenly over the window', () => {
    expect(schedule(4, 1)).toEqual([0, 15_000, 30_000, 45_000]);
    expect(schedule(0, 3)).toEqual([]);
  });
});
