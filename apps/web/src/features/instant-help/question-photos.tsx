import type { Question } from '@tutorline/contracts';

/** Thumbnails that open the full photo. The URLs are same-origin and authorised by the session cookie. */
export function QuestionPhotos({ photos, label = 'Photo' }: { photos: Question['photos']; label?: string }) {
  if (photos.length === 0) return null;
  return (
    <ul className="thumbs">
      {photos.map((photo, index) => (
        <li key={photo.id}>
          <a href={photo.url} target="_blank" rel="noopener" className="thumb" aria-label={`${label} ${index + 1}, open full size`}>
            <img src={photo.thumbUrl} alt="" loading="lazy" width={photo.width} height={photo.height} />
          </a>
        </li>
      ))}
    </ul>
  );
}
