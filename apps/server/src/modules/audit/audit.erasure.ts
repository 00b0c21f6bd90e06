import type { ErasureRules } from '../../platform/user-erasure';

/** audit's erasure rules (#20, decision 077). */
export const AUDIT_ERASURE_RULES: ErasureRules = {
  audit_log: { rule: 'keep_pseudonymised', why: 'staff actions stay accountable (append-only); they name the user by id, whose account then holds nothing' },
};
