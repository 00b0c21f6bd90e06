import type { AuditEntry } from '@tutorline/contracts';

/** One CSV field, quoted when it holds a comma, quote or line break; a leading formula sign is neutralised for spreadsheets. */
export function csvField(value: string): string {
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const auditCsvHeader = ['at', 'actor_id', 'actor_role', 'action', 'object_type', 'object_id', 'reason', 'before', 'after'];

/** The audit entries as CSV, one row each, before/after as JSON text. */
export function auditCsv(entries: AuditEntry[]): string {
  const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));
  const rows = entries.map((e) => [e.at, e.actorId ?? '', e.actorRole, e.action, e.objectType, e.objectId, e.reason ?? '', json(e.before), json(e.after)].map(csvField).join(','));
  return `${[auditCsvHeader.join(','), ...rows].join('\r\n')}\r\n`;
}
