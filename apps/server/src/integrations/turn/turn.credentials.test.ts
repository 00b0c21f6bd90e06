import { describe, expect, it } from 'vitest';
import { issueTurnCredential, turnPassword } from './turn.credentials';

// Vectors from shared/fixtures/coturn/turn-rest-credentials.json (computed against coturn's scheme).
describe('TURN REST credentials', () => {
  it('matches the worked vectors', () => {
    expect(turnPassword('north', '12334939:mbzrxpgjys')).toBe('Iq7YXkRon8YXJfdN1Ke9EZOw1UE=');
    expect(turnPassword('tutor-turn-shared-secret-TEST-3f8a9c', '1789464600:stu_01J8ZK4Q2M')).toBe('5LLZV7eYiooDcTVUnaoGad+Qy6g=');
    expect(turnPassword('tutor-turn-shared-secret-TEST-3f8a9c', '1789464600')).toBe('gzK0TApwqV6qn46aSgFrTwMcwms=');
  });

  it('puts the expiry (not the issue time) first, in whole seconds, with the user id after a colon', () => {
    const c = issueTurnCredential({ secret: 'tutor-turn-shared-secret-TEST-3f8a9c', userId: 'stu_01J8ZK4Q2M', now: new Date(1789378200_000), ttlSeconds: 86400 });
    expect(c).toEqual({ username: '1789464600:stu_01J8ZK4Q2M', credential: '5LLZV7eYiooDcTVUnaoGad+Qy6g=', expiresAt: new Date(1789464600_000) });
  });
});
