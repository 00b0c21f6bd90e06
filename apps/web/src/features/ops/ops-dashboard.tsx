import type { Me } from '@tutorline/contracts';
import { formatTime } from '../../lib/format';
import { PageError, PageLoading } from '../../ui/page-states';
import { CallsTile, ChannelsTile, FunnelTile, HelpTile, MoneyTile } from './ops-tiles';
import { PlatformTile } from './platform-tile';
import { ScheduleTile } from './schedule-tile';
import { useOpsSummary } from './use-ops';
import './ops.css';

/** /ops: the live operations dashboard, updated in place when the server says the figures changed. */
export function OpsDashboard({ me }: { me: Me }) {
  const { summary, watching } = useOpsSummary();
  if (summary.isPending) return <PageLoading label="Loading the dashboard…" />;
  if (summary.isError) return <PageError error={summary.error} onRetry={() => void summary.refetch()} />;
  const s = summary.data;
  return (
    <>
      <p className="muted ops-status" data-testid="ops-status" aria-live="polite">
        {watching === false ? 'Live updates are off; figures refresh every minute.' : 'Live'} · as of {formatTime(s.at)}
      </p>
      <div className="ops-grid">
        <HelpTile s={s} />
        <FunnelTile s={s} />
        <CallsTile s={s} />
        <ScheduleTile s={s} />
        {s.money && <MoneyTile money={s.money} />}
        <ChannelsTile s={s} />
        <PlatformTile s={s} isAdmin={me.staffRoles.includes('admin')} />
      </div>
    </>
  );
}
