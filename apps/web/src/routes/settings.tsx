import type { Me } from '@tutorline/contracts';
import { RequireRole } from '../features/auth';
import { useChildren } from '../features/guardians';
import { NotificationChannelsCard } from '../features/notifications';
import { DataExportCard, ErasureCard } from '../features/privacy';
import { LanguageCard, useT } from '../i18n';
import { usePageTitle } from '../lib/page-title';

const everyone = ['student', 'tutor', 'course_staff', 'admin', 'guardian'] as const;

/**
 * Settings: notifications (which channels, push on this device, #21), "Your data" (the export, #20) and "Delete my
 * account" (erasure, #20); a guardian also sees each child's.
 */
export function SettingsPage() {
  return <RequireRole role={everyone}>{(me) => <Settings me={me} />}</RequireRole>;
}

function Settings({ me }: { me: Me }) {
  const t = useT();
  usePageTitle(t('settings.title'));
  return (
    <section className="page page-narrow" data-testid="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings.title')}</h1>
      <LanguageCard />
      <NotificationChannelsCard />
      <DataExportCard />
      {me.role === 'guardian' && <ChildrenExports />}
      <ErasureCard />
      {me.role === 'guardian' && <ChildrenErasures />}
    </section>
  );
}

function ChildrenExports() {
  const children = useChildren();
  if (!children.data) return null;
  return (
    <>
      {children.data.map((c) => (
        <DataExportCard key={c.id} userId={c.id} name={c.displayName} />
      ))}
    </>
  );
}

function ChildrenErasures() {
  const children = useChildren();
  if (!children.data) return null;
  return (
    <>
      {children.data.map((c) => (
        <ErasureCard key={c.id} userId={c.id} name={c.displayName} />
      ))}
    </>
  );
}
