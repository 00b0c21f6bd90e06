import type { Db, Tx } from '../../platform/db';
import { classSeatById } from '../classes';
import { questionsAsked } from '../help';
import { userContacts, userIdsWithEmailContaining } from '../identity';
import { bookingsByIds, bookingsOfSeries } from '../scheduling';

/**
 * Everything billing reads of other modules' data, in one place and only through their index.ts (#14): accounts
 * (identity), booked lessons (scheduling), class seats (classes) and questions (help). Each takes the caller's transaction when it has one.
 */

/** A booked lesson (its price, tutor, student, series and reschedule chain), or null. */
export async function bookingById(q: Db | Tx, id: string) {
  return (await bookingsByIds(q, [id]))[0] ?? null;
}

/** Every week of a weekly series (paying for weekly lessons in one checkout: bookings.rules weeksCovered). */
export const seriesBookings = (q: Db | Tx, seriesId: string) => bookingsOfSeries(q, [seriesId]);

/** Whether an account with this id exists (a provider's metadata names the student who paid). */
export async function userExists(q: Db | Tx, id: string): Promise<boolean> {
  return (await userContacts(q, [id])).length > 0;
}

/** An account's email, for a provider's checkout page. */
export async function userEmail(q: Db | Tx, id: string): Promise<string | undefined> {
  return (await userContacts(q, [id]))[0]?.email;
}

/** A group class's seat (its class, tutor, price and hold), or null (issue #15). */
export const classSeat = async (q: Db | Tx, enrolmentId: string) => (await classSeatById(q, enrolmentId)) ?? null;

export { userContacts, userIdsWithEmailContaining };

/** Who asked a question and when. */
export async function questionAsked(q: Db | Tx, questionId: string) {
  return (await questionsAsked(q, [questionId]))[0];
}
