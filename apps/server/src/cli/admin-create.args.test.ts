import { describe, expect, it } from 'vitest';
import { adminCreateArgs, UsageError } from './admin-create.args';

describe("admin:create's command line", () => {
  it('takes one email (lower-cased by the contract) and an optional --name', () => {
    expect(adminCreateArgs(['Ops@School.example'])).toEqual({ email: 'ops@school.example', name: undefined });
    expect(adminCreateArgs(['ops@school.example', '--name', 'Ops Lead'])).toEqual({ email: 'ops@school.example', name: 'Ops Lead' });
  });

  it.each([
    ['no email', [], 'Give exactly one email address.'],
    ['not an email', ['not-an-email'], '"not-an-email"'],
    ['two emails', ['a@b.example', 'c@d.example'], 'Give exactly one email address.'],
    ['an unknown option', ['a@b.example', '--admin'], "Unknown option '--admin'"],
  ])('refuses %s with a usage error', (_, argv, message) => {
    expect(() => adminCreateArgs(argv)).toThrow(UsageError);
    expect(() => adminCreateArgs(argv)).toThrow(message);
  });
});
