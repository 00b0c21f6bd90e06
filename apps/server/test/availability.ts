/**
 * The availability body a tutor PUTs (`/api/tutors/me/availability`): the same hours every day of the week in `timeZone`,
 * 30- and 60-minute lessons, no buffer, an hour's notice, 30 days ahead, free cancellation up to 24 h. `overrides`
 * for days that differ.
 */
export function everyDay(timeZone: string, start: string, end: string, overrides: { date: string; ranges: { start: string; end: string }[] }[] = []) {
  return {
    timeZone,
    rules: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end })),
    overrides,
    durationsMinutes: [30, 60],
    bufferMinutes: 0,
    minNoticeMinutes: 60,
    maxPerDay: null,
    horizonDays: 30,
    cancelFreeHours: 24,
  };
}
