/**
 * Typed results (decision 039): a public function that can fail for a business reason returns what it did, or why not,
 * as data. A reason is a stable word other modules `switch` on (exhaustively, with `unreachable`); the words a user
 * reads, and the HTTP status, are chosen from the reason by the module's one refusal table (`<m>.http.ts`), never
 * parsed back out of a message. Faults (a lost database, a bug) still throw.
 */

/** It happened: `value` is what the caller gets. */
export type Ok<T> = { readonly ok: true; readonly value: T };

/**
 * It was refused, for `reason`. `detail` carries the facts a reason's words or a caller's next step need (the tutor's
 * fresh slots, what the student must buy); only reasons that have such facts carry it. A union of reasons gives one
 * member per reason, so a switch narrows each case to its own detail.
 */
export type Fail<R extends string, D = undefined> = R extends string
  ? [D] extends [undefined]
    ? { readonly ok: false; readonly reason: R }
    : { readonly ok: false; readonly reason: R; readonly detail: D }
  : never;

/** Any refusal, whatever its reason and detail. */
export type AnyFail = { readonly ok: false; readonly reason: string; readonly detail?: unknown };

/** `{ ok: true, value } | { ok: false, reason, detail? }`: F is a union of `Fail<…>` (one per reason that has detail). */
export type Result<T, F extends AnyFail> = Ok<T> | F;

/** The reasons a result can fail with. */
export type ReasonOf<F extends AnyFail> = F['reason'];

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

export function fail<R extends string>(reason: R): Fail<R>;
export function fail<R extends string, D>(reason: R, detail: D): Fail<R, D>;
export function fail(reason: string, detail?: unknown): AnyFail {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
}

/**
 * The `default` of an exhaustive switch on a reason: it compiles only when every reason has its case, so a reason added
 * later is a type error at every caller that has not decided what it means.
 */
export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
