import { useState, type ChangeEvent } from 'react';
import { useT } from '../../i18n';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { CameraIcon, CheckIcon, CloseIcon, GalleryIcon } from '../../ui/icons';
import { ProgressBar } from '../../ui/progress-bar';
import { MAX_PHOTOS, type PhotoItem, type usePhotoUploads } from './use-photo-uploads';
import './ask.css';

interface PhotoPickerProps {
  uploads: ReturnType<typeof usePhotoUploads>;
  error?: string | undefined;
}

/** Take or choose up to four photos; each is shown back at once and uploads in the background with its own progress. */
export function PhotoPicker({ uploads, error }: PhotoPickerProps) {
  const t = useT();
  const { items, add, remove, retry, canAddMore, notice } = uploads;

  const onPick = (event: ChangeEvent<HTMLInputElement>) => {
    if (event.target.files?.length) add(event.target.files);
    // Let the same file be picked again after removing it.
    event.target.value = '';
  };

  return (
    <fieldset className={`fieldset photo-picker${error ? ' field-invalid' : ''}`} aria-describedby={error ? 'photos-error' : 'photos-hint'}>
      <legend>{t('photos.legend')}</legend>
      <p className="field-hint" id="photos-hint">
        {t('photos.hint', { max: MAX_PHOTOS })}
      </p>

      {canAddMore && (
        <div className="photo-sources">
          <label className="photo-source photo-source-primary">
            <input className="visually-hidden" type="file" accept="image/*" capture="environment" onChange={onPick} data-testid="photo-camera-input" />
            <CameraIcon />
            <span>{t('photos.take')}</span>
          </label>
          <label className="photo-source">
            <input className="visually-hidden" type="file" accept="image/*" multiple onChange={onPick} data-testid="photo-input" />
            <GalleryIcon />
            <span>{t('photos.gallery')}</span>
          </label>
        </div>
      )}

      {notice && <Alert tone="info">{notice}</Alert>}

      {items.length > 0 && (
        <ul className="photo-grid" aria-label={t('photos.listLabel', { count: items.length, max: MAX_PHOTOS })}>
          {items.map((item, index) => (
            <PhotoTile key={item.key} item={item} number={index + 1} onRemove={() => remove(item.key)} onRetry={() => retry(item.key)} />
          ))}
        </ul>
      )}

      {error && (
        <p className="field-error" id="photos-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

interface PhotoTileProps {
  item: PhotoItem;
  number: number;
  onRemove(): void;
  onRetry(): void;
}

function PhotoTile({ item, number, onRemove, onRetry }: PhotoTileProps) {
  // HEIC and some other camera formats cannot be shown by every browser; once uploaded, the server's thumbnail can.
  const t = useT();
  const [previewFailed, setPreviewFailed] = useState(false);
  const src = previewFailed ? (item.uploaded?.thumbUrl ?? null) : item.previewUrl;
  const name = t('photos.name', { number });

  return (
    <li className={`photo-tile photo-tile-${item.status}`} data-testid="photo-preview" data-status={item.status}>
      <div className="photo-frame">
        {src ? (
          <img src={src} alt={name} onError={() => setPreviewFailed(true)} />
        ) : (
          <span className="photo-placeholder">
            <GalleryIcon />
            <span>{t('photos.noPreview')}</span>
          </span>
        )}
        <button type="button" className="photo-remove" onClick={onRemove} aria-label={t('photos.remove', { number })} data-testid="photo-remove">
          <CloseIcon />
        </button>
      </div>
      <PhotoStatusLine item={item} name={name} onRetry={onRetry} />
    </li>
  );
}

function PhotoStatusLine({ item, name, onRetry }: { item: PhotoItem; name: string; onRetry(): void }) {
  const t = useT();
  if (item.status === 'error') {
    return (
      <div className="photo-status photo-status-error" role="alert" data-testid="photo-error">
        <p>{item.error}</p>
        {item.retryable && (
          <Button variant="secondary" className="btn-small" onClick={onRetry}>
            {t('common.tryAgain')}
          </Button>
        )}
      </div>
    );
  }
  if (item.status === 'done') {
    return (
      <p className="photo-status photo-status-done">
        <CheckIcon /> {t('photos.ready')}
      </p>
    );
  }
  const checking = item.status === 'uploading' && item.progress >= 1;
  const preparing = item.status === 'preparing';
  const label = preparing ? t('photos.shrinking') : item.status === 'queued' ? t('photos.waiting') : checking ? t('photos.checking') : t('photos.uploading', { progress: item.progress });
  return (
    <div className="photo-status" data-testid={preparing ? 'photo-preparing' : undefined}>
      <ProgressBar value={preparing || item.status === 'queued' || checking ? null : item.progress} label={preparing ? t('photos.shrinkingLabel', { name }) : t('photos.uploadLabel', { name })} testId="photo-progress" />
      <p className="photo-status-text">{label}</p>
    </div>
  );
}
