import { AuditLogPanel } from '../features/admin/audit-log-panel';
import { StaffRolesPanel } from '../features/admin/staff-roles-panel';
import { RequireRole } from '../features/auth';
import { usePageTitle } from '../lib/page-title';

export function AdminStaffPage() {
  return <RequireRole role="admin">{() => <AdminStaff />}</RequireRole>;
}

function AdminStaff() {
  usePageTitle('Staff and audit log');
  return (
    <section className="page" data-testid="admin-staff-page" aria-labelledby="admin-staff-title">
      <h1 id="admin-staff-title">Staff and audit log</h1>
      <StaffRolesPanel />
      <AuditLogPanel />
    </section>
  );
}
