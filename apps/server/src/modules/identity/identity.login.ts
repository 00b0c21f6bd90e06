import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import type { IdentityRepo } from './identity.repo';
import { type LoginLimits, loginGate } from './identity.rules';

/** Waits before a log-in is checked (the account-wide slow-down); tests pass one they can observe. */
export type LoginDelay = (ms: number) => Promise<void>;

export const realDelay: LoginDelay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The per-account log-in limits (decision 020), counted in the database so that every node sees the same failures.
 * The account is the email as typed (lower-cased), whether or not it exists, so the limits say nothing about that.
 */
export function createLoginGuard(deps: { repo: IdentityRepo; clock: Clock; logger: Logger; limits: LoginLimits; delay?: LoginDelay }) {
  const { repo, clock, logger, limits } = deps;
  const delay = deps.delay ?? realDelay;
  const accountOf = (email: string) => email.trim().toLowerCase();

  return {
    /** Refuses (429) an IP that failed this account too often, or slows every attempt on a much-failed account. */
    async before(email: string, ip: string): Promise<void> {
      const now = clock.now();
      const failures = await repo.loginFailures(accountOf(email), ip, new Date(now.getTime() - limits.windowMs));
      const gate = loginGate(failures, limits, now);
      if (!gate.allow) {
        logger.warn({ event: 'login_limited', scope: 'account_ip', ip, failuresFromIp: failures.fromIp, retryAfterSeconds: gate.retryAfterSeconds }, 'log-in refused: too many failures from this IP');
        const minutes = Math.ceil(gate.retryAfterSeconds / 60);
        throw new AppError(
          429,
          'rate_limited',
          `Too many failed attempts for this account from your network. Please wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`} and try again.`,
          { retryAfterSeconds: gate.retryAfterSeconds },
        );
      }
      if (gate.delayMs > 0) {
        logger.info({ event: 'login_throttled', delayMs: gate.delayMs, accountFailures: failures.total }, 'log-in slowed: many failures on this account');
        await delay(gate.delayMs);
      }
    },
    async failed(email: string, ip: string): Promise<void> {
      await repo.recordLoginFailure(accountOf(email), ip, clock.now());
    },
    async succeeded(email: string, ip: string): Promise<void> {
      await repo.clearLoginFailures(accountOf(email), ip, clock.now());
    },
  };
}
export type LoginGuard = ReturnType<typeof createLoginGuard>;

/** The log-in limits from the app's `login` settings (decision 020). */
export function loginLimitsOf(login: { maxPerAccount: number; windowMs: number; throttleAfter: number; throttleDelayMs: number; throttleMaxDelayMs: number }): LoginLimits {
  return {
    maxFailuresPerAccountIp: login.maxPerAccount,
    windowMs: login.windowMs,
    throttleAfter: login.throttleAfter,
    throttleDelayMs: login.throttleDelayMs,
    throttleMaxDelayMs: login.throttleMaxDelayMs,
  };
}
