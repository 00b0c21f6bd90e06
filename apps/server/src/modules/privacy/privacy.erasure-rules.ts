import { JOBS_ERASURE_RULES } from '../../platform/jobs.erasure';
import type { ErasureRule, ErasureRules } from '../../platform/user-erasure';
import { AUDIT_ERASURE_RULES } from '../audit';
import { BILLING_ERASURE_RULES } from '../billing';
import { CLASSES_ERASURE_RULES } from '../classes';
import { CLASSROOM_ERASURE_RULES } from '../classroom';
import { CONNECTIVITY_ERASURE_RULES } from '../connectivity';
import { GUARDIANS_ERASURE_RULES } from '../guardians';
import { HELP_ERASURE_RULES } from '../help';
import { IDENTITY_ERASURE_RULES } from '../identity';
import { LTI_ERASURE_RULES } from '../lti';
import { MEDIA_ERASURE_RULES } from '../media';
import { NOTIFICATIONS_ERASURE_RULES } from '../notifications';
import { ONBOARDING_ERASURE_RULES } from '../onboarding';
import { OPS_ERASURE_RULES } from '../ops';
import { RECOMMENDATIONS_ERASURE_RULES } from '../recommendations';
import { RECORDINGS_ERASURE_RULES } from '../recordings';
import { ROOMS_ERASURE_RULES } from '../rooms';
import { SAFETY_ERASURE_RULES } from '../safety';
import { SCHEDULING_ERASURE_RULES } from '../scheduling';
import { SESSIONREC_ERASURE_RULES } from '../sessionrec';
import { SUPPORT_ERASURE_RULES } from '../support';
import { TUTORS_ERASURE_RULES } from '../tutors';
import { WHATSAPP_ERASURE_RULES } from '../whatsapp';
import { PRIVACY_ERASURE_RULES } from './privacy.erasure.repo';

/** Every module's declared erasure rules, by module (decision 077). A table of the database must appear exactly once. */
export const ERASURE_RULES_BY_MODULE: Readonly<Record<string, ErasureRules>> = {
  platform: JOBS_ERASURE_RULES,
  audit: AUDIT_ERASURE_RULES,
  billing: BILLING_ERASURE_RULES,
  classes: CLASSES_ERASURE_RULES,
  classroom: CLASSROOM_ERASURE_RULES,
  connectivity: CONNECTIVITY_ERASURE_RULES,
  guardians: GUARDIANS_ERASURE_RULES,
  help: HELP_ERASURE_RULES,
  identity: IDENTITY_ERASURE_RULES,
  lti: LTI_ERASURE_RULES,
  media: MEDIA_ERASURE_RULES,
  notifications: NOTIFICATIONS_ERASURE_RULES,
  onboarding: ONBOARDING_ERASURE_RULES,
  ops: OPS_ERASURE_RULES,
  privacy: PRIVACY_ERASURE_RULES,
  recommendations: RECOMMENDATIONS_ERASURE_RULES,
  recordings: RECORDINGS_ERASURE_RULES,
  rooms: ROOMS_ERASURE_RULES,
  safety: SAFETY_ERASURE_RULES,
  scheduling: SCHEDULING_ERASURE_RULES,
  sessionrec: SESSIONREC_ERASURE_RULES,
  support: SUPPORT_ERASURE_RULES,
  tutors: TUTORS_ERASURE_RULES,
  whatsapp: WHATSAPP_ERASURE_RULES,
};

export interface RuleAudit {
  /** Tables in the database that no module declared a rule for. */
  missing: string[];
  /** Rules for tables the database does not have (a renamed or dropped table). */
  unknown: string[];
  /** Tables declared by more than one module. */
  duplicated: string[];
  /** Rules whose reason is empty: a rule must say what it does or why. */
  unexplained: string[];
}

const reasonOf = (r: ErasureRule) => ('what' in r ? r.what : r.why).trim();

/** Compares the database's tables with the declared rules (pure: the test passes the table names it read). */
export function auditErasureRules(tables: readonly string[], byModule: Readonly<Record<string, ErasureRules>> = ERASURE_RULES_BY_MODULE): RuleAudit {
  const declared = new Map<string, string[]>();
  const unexplained: string[] = [];
  for (const [module, rules] of Object.entries(byModule)) {
    for (const [table, rule] of Object.entries(rules)) {
      declared.set(table, [...(declared.get(table) ?? []), module]);
      if (reasonOf(rule).length < 10) unexplained.push(table);
    }
  }
  const present = new Set(tables);
  return {
    missing: tables.filter((t) => !declared.has(t)).sort(),
    unknown: [...declared.keys()].filter((t) => !present.has(t)).sort(),
    duplicated: [...declared].filter(([, modules]) => modules.length > 1).map(([t]) => t).sort(),
    unexplained: unexplained.sort(),
  };
}
