import { describe, expect, it } from 'vitest';
import { createKeyBox } from './lti.keys';
import { lrsConfigOf, unsealedLrsOf, withLrs } from './lti.xapi.rules';

describe('the LRS secret of a registration (decision 065)', () => {
  const box = createKeyBox('a signing secret of enough length for the tests', 'lti-lrs-secrets');
  const lrs = { endpoint: 'https://lrs.school.example/xapi/', key: 'school', secret: 'lrs-secret' };

  it('is stored only sealed, and opened when used', () => {
    const settings = withLrs({ dialect: 'canvas' }, lrs, box.seal);
    expect(JSON.stringify(settings)).not.toContain('lrs-secret');
    expect(settings.dialect).toBe('canvas');
    expect(lrsConfigOf(settings, box.open)).toEqual({ endpoint: 'https://lrs.school.example/xapi', key: 'school', secret: 'lrs-secret' });
    expect(unsealedLrsOf(settings)).toBeNull();
    expect(withLrs(settings, null, box.seal)).toEqual({ dialect: 'canvas' });
  });

  it('sealed under the tool keys’ box (another purpose) does not open', () => {
    const settings = withLrs({}, lrs, createKeyBox('a signing secret of enough length for the tests').seal);
    expect(() => lrsConfigOf(settings, box.open)).toThrow();
  });

  it('an earlier version’s clear secret is found for sealing at start, and is not used as is', () => {
    const legacy = { lrs };
    expect(unsealedLrsOf(legacy)).toEqual(lrs);
    expect(lrsConfigOf(legacy, box.open)).toBeNull();
    expect(lrsConfigOf(withLrs(legacy, unsealedLrsOf(legacy), box.seal), box.open)?.secret).toBe('lrs-secret');
  });
});
