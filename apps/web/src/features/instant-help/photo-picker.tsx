import { useState, type ChangeEvent } from 'react';
import { plural } from '../../lib/format';
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
  const { items, add, remove, retry, canAddMore, notice } = uploads;

  const onPick = (event: ChangeEvent<HTMLInputElement>) => {
    if (event.target.files?.length) add(event.target.files);
    // Let the same file be picked again after removing it.
    event.target.value = '';
  };

  return (
    <fieldset className={`fieldset photo-picker${error ? ' field-invalid' : ''}`} aria-describedby={error ? 'photos-error' : 'photos-hint'}>
      <legend>Photo of your question</legend>
      <p className="field-hint" id="photos-hint">
        Make sure the whole question is in the picture and easy to read. Up to {plural(MAX_PHOTOS, { one: '# photo', other: '# photos' })}; big ones are made smaller on your phone before they are sent.
      </p>

      {canAddMore && (
        <div className="photo-sources">
          <label className="photo-source photo-source-primary">
            <input className="visually-hidden" type="file" accept="image/*" capture="environment" onChange={onPick} data-testid="photo-camera-input" />
            <CameraIcon />
            <span>Take photo</span>
          </label>
          <label className="photo-source">
            <input className="visually-hidden" type="file" accept="image/*" multiple onChange={onPick} data-testid="photo-input" />
            <GalleryIcon />
            <span>Choose from gallery</span>
          </label>
        </div>
      )}

      {notice && <Alert tone="info">{notice}</Alert>}

      {items.length > 0 && (
        <ul className="photo-grid" aria-label={`Your photos, ${items.length} of ${MAX_PHOTOS}`}>
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
  const [previewFailed, setPreviewFailed] = useState(false);
  const src = previewFailed ? (item.uploaded?.thumbUrl ?? null) : item.previewUrl;
  const name = `Photo ${number}`;

  return (
    <li className={`photo-tile photo-tile-${item.status}`} data-testid="photo-preview" data-status={item.status}>
      <div className="photo-frame">
        {src ? (
          <img src={src} alt={name} onError={() => setPreviewFailed(true)} />
        ) : (
          <span className="photo-placeholder">
            <GalleryIcon />
            <span>No preview</span>
          </span>
        )}
        <button type="button" className="photo-remove" onClick={onRemove} aria-label={`Remove ${name.toLowerCase()}`} data-testid="photo-remove">
          <CloseIcon />
        </button>
      </div>
      <PhotoStatusLine item={item} name={name} onRetry={onRetry} />
    </li>
  );
}

function PhotoStatusLine({ item, name, onRetry }: { item: PhotoItem; name: string; onRetry(): void }) {
  if (item.status === 'error') {
    return (
      <div className="photo-status photo-status-error" role="alert" data-testid="photo-error">
        <p>{item.error}</p>
        {item.retryable && (
          <Button variant="secondary" className="btn-small" onClick={onRetry}>
            Try again
          </Button>
        )}
      </div>
    );
  }
  if (item.status === 'done') {
    return (
      <p className="photo-status photo-status-done">
        <CheckIcon /> Ready
      </p>
    );
  }
  const checking = item.status === 'uploading' && item.progress >= 1;
  const preparing = item.status === 'preparing';
  const label = preparing ? 'Making it smaller…' : item.status === 'queued' ? 'Waiting…' : checking ? 'Checking…' : `Uploading ${Math.round(item.progress * 100)}%`;
  return (
    <div className="photo-status" data-testid={preparing ? 'photo-preparing' : undefined}>
      <ProgressBar value={preparing || item.status === 'queued' || checking ? null : item.progress} label={preparing ? `${name}: making it smaller to send` : `${name} upload`} testId="photo-progress" />
      <p className="photo-status-text">{label}</p>
    </div>
  );
}
