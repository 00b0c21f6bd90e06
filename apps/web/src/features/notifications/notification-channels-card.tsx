import type { NotificationChannels } from '@tutorline/contracts';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { disablePush, enablePush, type PushDeviceState, pushDeviceState } from './push';
import { useChannels, useChooseChannels } from './use-channels';
import './notifications.css';

const channels: { key: keyof NotificationChannels; label: string; hint: string }[] = [
  { key: 'push', label: 'Push notifications', hint: 'On this phone or computer, even when Tutorline is closed.' },
  { key: 'whatsapp', label: 'WhatsApp', hint: 'Messages to your linked WhatsApp number.' },
  { key: 'inApp', label: 'In the app', hint: 'The bell at the top of the page.' },
];

const deviceWords: Record<PushDeviceState, string> = {
  unsupported: 'This browser cannot show push notifications.',
  denied: 'Notifications are blocked for Tutorline in this browser’s settings.',
  on: 'Push notifications are on for this device.',
  off: 'Push notifications are off for this device.',
};

/** Settings' "Notifications" (#21): each channel on or off, and push for this device. */
export function NotificationChannelsCard() {
  const choice = useChannels();
  const choose = useChooseChannels();
  const [device, setDevice] = useState<PushDeviceState | null>(null);
  const [deviceError, setDeviceError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void pushDeviceState().then(setDevice);
  }, []);

  const toggleDevice = async () => {
    setBusy(true);
    setDeviceError(null);
    try {
      setDevice(device === 'on' ? await disablePush() : await enablePush());
    } catch (err) {
      setDeviceError(err instanceof Error && !('status' in err) ? 'Could not turn push on in this browser.' : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card notification-channels" data-testid="notification-channels" aria-labelledby="notification-channels-title">
      <h2 id="notification-channels-title">Notifications</h2>
      <p className="notification-channels-lead">Choose where we tell you about questions, accepted questions and lesson reminders.</p>
      {choice.isError && <Alert tone="error">{errorMessage(choice.error)}</Alert>}
      {choice.data && (
        <fieldset className="notification-channels-list" disabled={choose.isPending}>
          <legend className="visually-hidden">Channels</legend>
          {channels.map((c) => (
            <label key={c.key} className="notification-channel">
              <input type="checkbox" checked={choice.data[c.key]} onChange={(e) => choose.mutate({ [c.key]: e.target.checked })} data-testid={`channel-${c.key}`} />
              <span>
                <span className="notification-channel-label">{c.label}</span>
                <span className="notification-channel-hint">{c.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {choose.isError && <Alert tone="error">{errorMessage(choose.error)}</Alert>}
      {device && (
        <div className="notification-device">
          <p className="notification-channel-hint" role="status" data-testid="push-device-state">
            {deviceWords[device]}
          </p>
          {(device === 'on' || device === 'off') && (
            <Button variant="secondary" pending={busy} pendingLabel="One moment…" onClick={() => void toggleDevice()} data-testid="push-device-toggle">
              {device === 'on' ? 'Turn off on this device' : 'Turn on for this device'}
            </Button>
          )}
        </div>
      )}
      {deviceError && <Alert tone="error">{deviceError}</Alert>}
    </section>
  );
}
