import { parseArgs } from 'node:util';
import { emailSchema } from '@tutorline/contracts';

/** `npm run admin:create`'s command line (admin-create.ts), pure so that its refusals are unit-tested. */
export const usage = 'Usage: npm run admin:create -- <email> [--name "Display Name"]';

export class UsageError extends Error {}

export function adminCreateArgs(argv: string[]): { email: string; name: string | undefined } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' } } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const [email, ...rest] = parsed.positionals;
  if (!email || rest.length) throw new UsageError('Give exactly one email address.');
  const checked = emailSchema.safeParse(email);
  if (!checked.success) throw new UsageError(`${JSON.stringify(email)} ${checked.error.issues[0]?.message ?? 'is not an email address'}.`);
  return { email: checked.data, name: parsed.values.name };
}

