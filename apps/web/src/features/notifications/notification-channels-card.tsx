import type { NotificationChannels } from '@tutorline/contracts';
import { useEffect, useState } from 'react';
import { type MessageKey, useT } from '../../i18n';
import { errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { disablePush, enablePush, type PushDeviceState, pushDeviceState } from './push';
import { useChannels, useChooseChannels } from './use-channels';
import './notifications.css';

const channels: { key: keyof NotificationChannels; label: MessageKey; hint: MessageKey }[] = [
  { key: 'push', label: 'channels.push', hint: 'channels.pushHint' },
  { key: 'whatsapp', label: 'channels.whatsapp', hint: 'channels.whatsappHint' },
  { key: 'inApp', label: 'channels.inApp', hint: 'channels.inAppHint' },
];

const deviceWords: Record<PushDeviceState, MessageKey> = {
  unsupported: 'channels.deviceUnsupported',
  denied: 'channels.deviceDenied',
  on: 'channels.deviceOn',
  off: 'channels.deviceOff',
};

/** Settings' "Notifications" (#21): each channel on or off, and push for this device. */
export function NotificationChannelsCard() {
  const t = useT();
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
      setDeviceError(err instanceof Error && !('status' in err) ? t('channels.pushFailed') : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card notification-channels" data-testid="notification-channels" aria-labelledby="notification-channels-title">
      <h2 id="notification-channels-title">{t('channels.title')}</h2>
      <p className="notification-channels-lead">{t('channels.lead')}</p>
      {choice.isError && <Alert tone="error">{errorMessage(choice.error)}</Alert>}
      {choice.data && (
        <fieldset className="notification-channels-list" disabled={choose.isPending}>
          <legend className="visually-hidden">{t('channels.legend')}</legend>
          {channels.map((c) => (
            <label key={c.key} className="notification-channel">
              <input type="checkbox" checked={choice.data[c.key]} onChange={(e) => choose.mutate({ [c.key]: e.target.checked })} data-testid={`channel-${c.key}`} />
              <span>
                <span className="notification-channel-label">{t(c.label)}</span>
                <span className="notification-channel-hint">{t(c.hint)}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {choose.isError && <Alert tone="error">{errorMessage(choose.error)}</Alert>}
      {device && (
        <div className="notification-device">
          <p className="notification-channel-hint" role="status" data-testid="push-device-state">
            {t(deviceWords[device])}
          </p>
          {(device === 'on' || device === 'off') && (
            <Button variant="secondary" pending={busy} pendingLabel={t('channels.oneMoment')} onClick={() => void toggleDevice()} data-testid="push-device-toggle">
              {device === 'on' ? t('channels.turnOff') : t('channels.turnOn')}
            </Button>
          )}
        </div>
      )}
      {deviceError && <Alert tone="error">{deviceError}</Alert>}
    </section>
  );
}
