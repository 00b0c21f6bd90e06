export { auditModule } from './audit.install';
export { type AuditInput, type AuditRow, createAuditRepo, recordAudit } from './audit.repo';
export { AUDIT_ERASURE_RULES } from './audit.erasure';
