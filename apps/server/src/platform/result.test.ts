import { describe, expect, it } from 'vitest';
import { AppError, conflict, notFound, type RefusalTable, valueOr } from './errors';
import { type Fail, fail, ok, type Result, unreachable } from './result';

type Refused = Fail<'taken'> | Fail<'too_much', { remaining: number }>;
const table = {
  taken: () => conflict('Taken.'),
  too_much: ({ detail }) => new AppError(400, 'validation_failed', `At most ${detail.remaining}.`),
} satisfies RefusalTable<Refused>;

describe('typed results (decision 039)', () => {
  it('ok carries the value; fail carries the reason, and detail only when there is one', () => {
    expect(ok(3)).toEqual({ ok: true, value: 3 });
    expect(fail('taken')).toEqual({ ok: false, reason: 'taken' });
    expect('detail' in fail('taken')).toBe(false);
    expect(fail('too_much', { remaining: 5 })).toEqual({ ok: false, reason: 'too_much', detail: { remaining: 5 } });
  });

  it("a route gets the value, or the HTTP error its module's table gives the reason", () => {
    const answer = (r: Result<string, Refused>) => {
      try {
        return valueOr(r, table);
      } catch (err) {
        return err;
      }
    };
    expect(answer(ok('booked'))).toBe('booked');
    expect(answer(fail('taken'))).toMatchObject({ status: 409, code: 'conflict', message: 'Taken.' });
    expect(answer(fail('too_much', { remaining: 2 }))).toMatchObject({ status: 400, message: 'At most 2.' });
    // A table missing a reason does not compile.
    // @ts-expect-error: too_much has no entry
    const partial: RefusalTable<Refused> = { taken: () => notFound() };
    expect(partial).toBeDefined();
  });

  it('an exhaustive switch ends in unreachable, which throws if a reason slips through at run time', () => {
    const words = (r: Refused): string => {
      switch (r.reason) {
        case 'taken':
          return 'taken';
        case 'too_much':
          return `too much: ${r.detail.remaining}`;
        default:
          return unreachable(r);
      }
    };
    expect(words(fail('too_much', { remaining: 1 }))).toBe('too much: 1');
    expect(() => words({ ok: false, reason: 'new' } as unknown as Refused)).toThrow(/unhandled case/);
  });
});
