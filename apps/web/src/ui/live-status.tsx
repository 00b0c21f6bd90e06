import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import { useRealtimeDegraded, useSocketConnected } from '../lib/socket';

/**
 * Says when live updates are paused: the connection dropped (shown after a moment, so the first connect and short
 * blips do not flash a warning), or the server said its realtime is degraded (shown at once; decision 092).
 */
export function LiveStatus() {
  const t = useT();
  const connected = useSocketConnected();
  const degraded = useRealtimeDegraded();
  const [showOffline, setShowOffline] = useState(false);
  useEffect(() => {
    if (connected !== false) {
      setShowOffline(false);
      return;
    }
    const timer = window.setTimeout(() => setShowOffline(true), 3000);
    return () => window.clearTimeout(timer);
  }, [connected]);
  if (!showOffline && !degraded) return null;
  return (
    <p className="live-status" role="status" data-testid="live-status" data-reason={showOffline ? 'offline' : 'degraded'}>
      <span className="spinner" aria-hidden="true" />
      {showOffline ? t('live.reconnecting') : t('live.degraded')}
    </p>
  );
}
