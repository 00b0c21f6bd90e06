import type { ErasureRules } from '../../platform/user-erasure';

/** ops' erasure rules (#20, decision 077): counts and node health, never a person. */
export const OPS_ERASURE_RULES: ErasureRules = {
  ops_rollup_minute: { rule: 'no_personal_data', why: 'counts per minute, by metric and dimension (subject, status), never by user' },
  ops_rollup_hour: { rule: 'no_personal_data', why: 'counts per hour, by metric and dimension, never by user' },
  ops_rollup_day: { rule: 'no_personal_data', why: 'counts per UTC day, by metric and dimension, never by user' },
  ops_rollup_state: { rule: 'no_personal_data', why: 'how far each rollup has run' },
  ops_nodes: { rule: 'no_personal_data', why: "each server node's health" },
};
