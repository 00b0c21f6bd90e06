import { Temporal } from 'temporal-polyfill';

/** The one place that converts between instants and wall-clock time in a zone. */

/** The instant at which the calendar day containing `now` began in `zone`. */
export function startOfDayIn(zone: string, now: Date): Date {
  const zoned = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(zone);
  return new Date(zoned.startOfDay().epochMilliseconds);
}
