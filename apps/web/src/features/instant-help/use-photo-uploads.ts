import type { MAX_QUESTION_PHOTOS, UploadedPhoto } from '@tutorline/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage } from '../../lib/api';
import { translate } from '../../i18n/catalog';
import { UploadAborted, uploadFile } from '../../lib/upload';
import type { DraftPhoto } from './ask-draft-store';
import { PhotoTooBig, shrinkPhoto } from './shrink-photo';

/** Past this, a file is not decoded on the device at all (a cheap phone could run out of memory); no camera makes one. */
const MAX_PICK_BYTES = 50 * 1024 * 1024;
/**
 * A value import from contracts would bundle zod into the app (its schemas are not tree-shaken), so the limit is
 * repeated here; the type ties it to the contract, so a change there fails the type check here.
 */
export const MAX_PHOTOS: typeof MAX_QUESTION_PHOTOS = 4;
/** On a slow connection two uploads at a time finish the first photo sooner than four sharing the line. */
const PARALLEL_UPLOADS = 2;

/** 'preparing': being made smaller on the device before it goes up. */
export type PhotoStatus = 'preparing' | 'queued' | 'uploading' | 'done' | 'error';

export interface PhotoItem {
  key: string;
  /** What is (or was) uploaded: the photo as picked, or its shrunk copy once prepared. */
  file: File;
  /** Object URL of the local file, for the preview before and during upload. */
  previewUrl: string;
  status: PhotoStatus;
  /** Fraction of bytes sent, 0 to 1. */
  progress: number;
  uploaded: UploadedPhoto | null;
  error: string | null;
  /** Whether trying again could help (network trouble), as opposed to a file the server will never take. */
  retryable: boolean;
}

/** A reason to refuse a file before spending the user's data on it; null when it may be sent. */
function checkFile(file: File): string | null {
  if (file.type === 'image/svg+xml') return translate('photos.svg');
  // Some phones give camera files no type at all; let the server decide about those.
  if (file.type && !file.type.startsWith('image/')) return translate('photos.notPhoto');
  if (file.size > MAX_PICK_BYTES) return translate('photos.tooBigFile');
  if (file.size === 0) return translate('photos.empty');
  return null;
}

let nextKey = 0;

export function usePhotoUploads() {
  const [items, setItems] = useState<PhotoItem[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const running = useRef(new Map<string, AbortController>());

  const patch = useCallback((key: string, change: Partial<PhotoItem>) => {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }, []);

  // Start queued uploads while there is room.
  useEffect(() => {
    const free = PARALLEL_UPLOADS - running.current.size;
    const queued = items.filter((item) => item.status === 'queued' && !running.current.has(item.key)).slice(0, Math.max(0, free));
    for (const item of queued) {
      const controller = new AbortController();
      running.current.set(item.key, controller);
      patch(item.key, { status: 'uploading', progress: 0, error: null });
      uploadFile<UploadedPhoto>('/api/help/photos', 'file', item.file, {
        signal: controller.signal,
        onProgress: (progress) => patch(item.key, { progress }),
      })
        .then((uploaded) => patch(item.key, { status: 'done', progress: 1, uploaded }))
        .catch((error: unknown) => {
          if (error instanceof UploadAborted) return;
          const retryable = !(error instanceof ApiError) || error.status === 0 || error.status === 429 || error.status >= 500;
          patch(item.key, { status: 'error', error: errorMessage(error), retryable });
        })
        .finally(() => {
          running.current.delete(item.key);
          // Wake the effect so the next queued photo starts.
          setItems((list) => [...list]);
        });
    }
  }, [items, patch]);

  // Leaving the page stops uploads and frees the previews.
  useEffect(() => {
    const uploads = running.current;
    return () => {
      for (const controller of uploads.values()) controller.abort();
      uploads.clear();
      for (const item of itemsRef.current) URL.revokeObjectURL(item.previewUrl);
    };
  }, []);

  const add = useCallback((files: FileList | File[]) => {
    const room = MAX_PHOTOS - itemsRef.current.length;
    const picked = [...files];
    const taken = picked.slice(0, Math.max(0, room));
    setNotice(
      picked.length > taken.length
        ? room > 0
          ? translate('photos.onlyFirstAdded', { max: MAX_PHOTOS, count: taken.length })
          : translate('photos.noMoreAdded', { max: MAX_PHOTOS })
        : null,
    );
    const added = taken.map((file): PhotoItem => {
      const problem = checkFile(file);
      return {
        key: `photo-${++nextKey}`,
        file,
        previewUrl: URL.createObjectURL(file),
        status: problem ? 'error' : 'preparing',
        progress: 0,
        uploaded: null,
        error: problem,
        retryable: false,
      };
    });
    setItems((list) => [...list, ...added]);
    prepare(added);
  }, [patch]);

  /** A big camera photo is made smaller here first (a few hundred ms), then queued for upload. */
  const prepare = (list: PhotoItem[]) => {
    for (const item of list) {
      if (item.status !== 'preparing') continue;
      shrinkPhoto(item.file).then(
        (file) => patch(item.key, { file, status: 'queued' }),
        (error: unknown) => patch(item.key, { status: 'error', error: error instanceof PhotoTooBig ? translate('photos.tooBig') : translate('photos.unreadable'), retryable: false }),
      );
    }
  };

  /** Brings back a kept draft's photos: uploaded ones as done, the others prepared and queued to go up again. */
  const restore = useCallback(
    (photos: DraftPhoto[]) => {
      const restored = photos.slice(0, MAX_PHOTOS).map((p): PhotoItem => {
        const file = new File([p.blob], p.name, { type: p.blob.type });
        return { key: `photo-${++nextKey}`, file, previewUrl: URL.createObjectURL(file), status: p.uploaded ? 'done' : 'preparing', progress: p.uploaded ? 1 : 0, uploaded: p.uploaded, error: null, retryable: false };
      });
      setItems(restored);
      prepare(restored);
    },
    [patch],
  );

  /** Removes every photo (the student starts the question again). */
  const clearAll = useCallback(() => {
    for (const controller of running.current.values()) controller.abort();
    running.current.clear();
    for (const item of itemsRef.current) URL.revokeObjectURL(item.previewUrl);
    setItems([]);
    setNotice(null);
  }, []);

  /** Uploads every photo again from the image kept on the device (the server no longer knew an earlier upload). */
  const uploadAgain = useCallback(() => {
    setItems((list) => list.map((i) => (i.status === 'done' ? { ...i, status: 'queued', uploaded: null, progress: 0 } : i)));
  }, []);

  const remove = useCallback((key: string) => {
    running.current.get(key)?.abort();
    running.current.delete(key);
    const item = itemsRef.current.find((i) => i.key === key);
    if (item) URL.revokeObjectURL(item.previewUrl);
    setItems((list) => list.filter((i) => i.key !== key));
    setNotice(null);
  }, []);

  const retry = useCallback((key: string) => patch(key, { status: 'queued', error: null, progress: 0 }), [patch]);

  const sending = items.filter((i) => i.status === 'preparing' || i.status === 'queued' || i.status === 'uploading');
  const totalBytes = items.reduce((sum, i) => sum + (i.status === 'error' ? 0 : i.file.size), 0);
  const sentBytes = items.reduce((sum, i) => sum + (i.status === 'error' ? 0 : i.file.size * i.progress), 0);

  return {
    items,
    notice,
    add,
    remove,
    retry,
    restore,
    uploadAgain,
    clearAll,
    preparingCount: items.filter((i) => i.status === 'preparing').length,
    /** Photos still queued or uploading. */
    pendingCount: sending.length,
    failedCount: items.filter((i) => i.status === 'error').length,
    /** Bytes sent of all photos that are not failed, 0 to 1. */
    overallProgress: totalBytes ? sentBytes / totalBytes : 0,
    photoIds: items.flatMap((i) => (i.uploaded ? [i.uploaded.photoId] : [])),
    canAddMore: items.length < MAX_PHOTOS,
  };
}
