import { Link, useLocation } from 'react-router';
import { Button } from '../../ui/button';
import { applyUpdate, isLivePath, usePwaState } from './pwa-state';
import './pwa.css';

/** "Update available" with a Reload button; during a call or class it only says the update will wait. */
export function UpdateBanner() {
  const { updateWaiting } = usePwaState();
  const { pathname } = useLocation();
  if (!updateWaiting) return null;
  const live = isLivePath(pathname);
  return (
    <div className="pwa-banner" role="status" data-testid="update-banner">
      <p>
        <strong>Update available.</strong> {live ? 'It will be ready after your call; nothing changes until then.' : 'Reload to use the new version.'}
      </p>
      {!live && (
        <Button className="btn-small" onClick={applyUpdate} data-testid="update-reload">
          Reload
        </Button>
      )}
    </div>
  );
}

/** Shown while the device is offline: what still works, with a link to the page that explains it. */
export function OfflineBanner() {
  const { online } = usePwaState();
  const { pathname } = useLocation();
  if (online || pathname === '/offline') return null;
  return (
    <div className="pwa-banner pwa-banner-offline" role="status" data-testid="offline-banner">
      <p>
        <strong>You are offline.</strong> Your lessons list still opens, as last loaded.
      </p>
      <Link to="/offline">What works offline</Link>
    </div>
  );
}
