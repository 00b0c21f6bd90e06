import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import { useSocketConnected } from '../lib/socket';

/**
 * Says when live updates are paused because the connection dropped. Waits a moment before showing,
 * so the first connect and short blips do not flash a warning.
 */
export function LiveStatus() {
  const t = useT();
  const connected = useSocketConnected();
  const [showOffline, setShowOffline] = useState(false);
  useEffect(() => {
    if (connected !== false) {
      setShowOffline(false);
      return;
    }
    const timer = window.setTimeout(() => setShowOffline(true), 3000);
    return () => window.clearTimeout(timer);
  }, [connected]);
  if (!showOffline) return null;
  return (
    <p className="live-status" role="status" data-testid="live-status">
      <span className="spinner" aria-hidden="true" />
      {t('live.reconnecting')}
    </p>
  );
}
