import { useT } from '../../i18n';
import type { Question } from '@tutorline/contracts';
import { useState } from 'react';
import { PhotoViewer } from '../../ui/photo-viewer';
import './question.css';

/**
 * Thumbnails that open the photo full size, zoomable, in a full-screen viewer (a tutor reads the question before
 * accepting it; a phone's new tab would lose the page). The URLs are same-origin and authorised by the session cookie.
 */
export function QuestionPhotos({ photos, label: givenLabel, large = false }: { photos: Question['photos']; label?: string; large?: boolean }) {
  const t = useT();
  const label = givenLabel ?? t('photos.photo');
  const [open, setOpen] = useState<number | null>(null);
  if (photos.length === 0) return null;
  return (
    <>
      <ul className={`thumbs${large ? ' thumbs-large' : ''}`}>
        {photos.map((photo, index) => (
          <li key={photo.id}>
            <button type="button" className="thumb" aria-label={t('photos.openFull', { label, number: index + 1 })} data-testid="photo-thumb" onClick={() => setOpen(index)}>
              <img src={photo.thumbUrl} alt="" loading="lazy" width={photo.width} height={photo.height} />
              <span className="thumb-zoom" aria-hidden="true">
                ⤢
              </span>
            </button>
          </li>
        ))}
      </ul>
      {open !== null && <PhotoViewer photos={photos} startIndex={open} label={label} onClose={() => setOpen(null)} />}
    </>
  );
}
