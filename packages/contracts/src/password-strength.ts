import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { judgePassword, type PasswordContext, passwordUserInputs, type PasswordVerdict } from './password';

/**
 * zxcvbn-ts with its common-password list and English dictionaries (decision 021). Heavy (the dictionaries), so the
 * web app imports this module lazily; the server imports it directly. Built on first use (about 150 ms).
 */
let estimator: ZxcvbnFactory | undefined;

/**
 * zxcvbn's matching grows slow with length and with l33t characters (a crafted 64-character password took over a
 * second), and it runs on the request's thread: only this many characters are estimated (a longer password is judged
 * by its start) and l33t substitutions are tried a bounded number of times. Worst case measured: about 0.15 s.
 */
export const ESTIMATED_LENGTH = 40;
const L33T_MAX_SUBSTITUTIONS = 10;

function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    maxLength: ESTIMATED_LENGTH,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
  });
  return estimator;
}

/** The shared password rule: zxcvbn score ≥ MIN_PASSWORD_SCORE, not a common password, not the user's own name or email. */
export function checkPasswordStrength(password: string, context: PasswordContext = {}): PasswordVerdict {
  const result = zxcvbn().check(password, passwordUserInputs(context));
  return judgePassword(password, { score: result.score, feedback: result.feedback, sequence: result.sequence }, context);
}
