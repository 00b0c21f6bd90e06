import type { OpsSummary } from '@tutorline/contracts';
import { formatNumber } from '../../lib/format';
import { BarChart } from './bar-chart';
import { ChartFrame } from './chart-frame';
import { Figure, Tile } from './ops-tiles';

/** Lessons and classes today (#18): how many, how many still to come, and what went wrong; the week by day. */
export function ScheduleTile({ s }: { s: OpsSummary }) {
  const { lessons, classes, days } = s.schedule;
  const week = days.reduce((w, d) => ({ completed: w.completed + d.completed, noShows: w.noShows + d.noShows, nobodyCame: w.nobodyCame + d.nobodyCame, lateCancellations: w.lateCancellations + d.lateCancellations }), { completed: 0, noShows: 0, nobodyCame: 0, lateCancellations: 0 });
  return (
    <Tile id="schedule" title="Lessons and classes today" to="/admin/lessons">
      <div className="ops-figures">
        <Figure label={`lessons (${formatNumber(lessons.upcoming)} to come)`} value={formatNumber(lessons.today)} testId="ops-lessons-today" />
        <Figure label={`classes (${formatNumber(classes.upcoming)} to come)`} value={formatNumber(classes.today)} testId="ops-classes-today" />
        <Figure label="no-shows (tutor · student)" value={`${formatNumber(lessons.tutorNoShows + classes.tutorNoShows)} · ${formatNumber(lessons.studentNoShows)}`} testId="ops-no-shows" />
        <Figure label="late cancellations" value={formatNumber(lessons.lateCancellations)} testId="ops-late-cancellations" />
        <Figure label="room open, nobody came" value={formatNumber(lessons.nobodyCame + classes.nobodyCame)} testId="ops-nobody-came" />
        <Figure label="classes cancelled" value={formatNumber(classes.cancelled)} />
      </div>
      <ChartFrame
        title="Lessons and classes, last 7 days"
        name="schedule-week"
        table={{ columns: ['day', 'completed', 'no-shows', 'nobody came', 'late cancellations'], rows: days.map((d) => [d.day, d.completed, d.noShows, d.nobodyCame, d.lateCancellations]) }}
      >
        <BarChart
          label="The week's lessons and classes by outcome"
          bars={
            week.completed + week.noShows + week.nobodyCame + week.lateCancellations === 0
              ? []
              : [
                  { name: 'completed', value: week.completed },
                  { name: 'no-shows', value: week.noShows },
                  { name: 'nobody came', value: week.nobodyCame },
                  { name: 'cancelled late', value: week.lateCancellations },
                ]
          }
        />
      </ChartFrame>
    </Tile>
  );
}
