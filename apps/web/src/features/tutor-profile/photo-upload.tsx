import type { TutorPhoto } from '@tutorline/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { uploadFile, UploadAborted } from '../../lib/upload';
import { Avatar } from '../../ui/avatar';
import { ProgressBar } from '../../ui/progress-bar';
import './tutor-profile.css';

/** Where the tutor's current photo is served (their own, even before approval); 404 when they have none. */
export const ownPhotoPath = (tutorId: string) => `/api/tutors/${encodeURIComponent(tutorId)}/photo?size=thumb`;

/** The uploaded photo's thumbnail: the answer's versioned URL, so the browser does not show the old one from its cache. */
export const thumbOf = (photoUrl: string) => `${photoUrl}${photoUrl.includes('?') ? '&' : '?'}size=thumb`;

type UploadState = { phase: 'idle' } | { phase: 'uploading'; progress: number } | { phase: 'error'; message: string } | { phase: 'done' };

/** The tutor's profile photo: shown, and replaced by choosing a new one (PUT /api/tutors/me/photo, with progress). */
export function PhotoUpload({ tutorId, name }: { tutorId: string; name: string }) {
  const queryClient = useQueryClient();
  const [src, setSrc] = useState<string | null>(() => ownPhotoPath(tutorId));
  const [state, setState] = useState<UploadState>({ phase: 'idle' });

  const onPick = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setState({ phase: 'uploading', progress: 0 });
    uploadFile<TutorPhoto>('/api/tutors/me/photo', 'file', file, { method: 'PUT', onProgress: (progress) => setState({ phase: 'uploading', progress }) }).then(
      (photo) => {
        setSrc(thumbOf(photo.photoUrl));
        setState({ phase: 'done' });
        // Search results and the public profile show the new photo.
        void queryClient.invalidateQueries({ queryKey: ['tutors'] });
      },
      (error: unknown) => {
        if (error instanceof UploadAborted) setState({ phase: 'idle' });
        else setState({ phase: 'error', message: errorMessage(error) });
      },
    );
  };

  const uploading = state.phase === 'uploading';
  return (
    <div className="photo-upload" data-testid="tutor-photo-upload">
      <div className="photo-upload-current">
        {src ? <img className="photo-upload-img" src={src} alt="Your profile photo" width={72} height={72} data-testid="tutor-photo" onError={() => setSrc(null)} /> : <Avatar name={name} seed={tutorId} size="large" />}
        <div className="photo-upload-actions">
          <label className={`btn btn-secondary btn-small${uploading ? ' btn-disabled' : ''}`}>
            <input className="visually-hidden" type="file" accept="image/jpeg,image/png,image/webp,image/heic" disabled={uploading} onChange={onPick} data-testid="tutor-photo-input" />
            {src ? 'Change photo' : 'Add a photo'}
          </label>
          <p className="muted photo-upload-hint">A clear photo of your face, JPEG or PNG, under 10 MB.</p>
        </div>
      </div>
      {uploading && <ProgressBar value={state.progress >= 1 ? null : state.progress} label="Photo upload" testId="tutor-photo-progress" />}
      {uploading && state.progress >= 1 && <p className="muted">Checking the photo…</p>}
      {state.phase === 'error' && (
        <p className="field-error" role="alert" data-testid="tutor-photo-error">
          {state.message}
        </p>
      )}
      {state.phase === 'done' && (
        <p className="muted" role="status">
          Photo updated.
        </p>
      )}
    </div>
  );
}
