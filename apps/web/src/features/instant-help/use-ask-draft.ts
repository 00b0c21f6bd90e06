import { useEffect, useRef, useState } from 'react';
import { type AskDraft, draftStore } from './ask-draft-store';
import type { PhotoItem } from './use-photo-uploads';

/** How long typing pauses before the draft is written. */
const SAVE_AFTER_MS = 400;

export interface DraftFields {
  requestId: string;
  subjectId: string;
  level: string;
  text: string;
  photos: PhotoItem[];
  /** The LMS course the question is asked from, if any (#16). */
  course: string;
}

/**
 * Keeps the ask form's draft in IndexedDB while the student writes it, and brings it back when they return (after
 * paying, a reload, another visit). `onRestore` gets the kept draft once; saving starts after that, so an empty
 * form that is still loading never overwrites it.
 */
export function useAskDraft(userId: string, fields: DraftFields, onRestore: (draft: AskDraft) => void) {
  const [ready, setReady] = useState(false);
  const [restored, setRestored] = useState(false);
  const restoreRef = useRef(onRestore);
  restoreRef.current = onRestore;

  useEffect(() => {
    let live = true;
    void draftStore()
      .load(userId, Date.now())
      .then((draft) => {
        if (!live) return;
        if (draft) {
          restoreRef.current(draft);
          setRestored(true);
        }
        setReady(true);
      });
    return () => {
      live = false;
    };
  }, [userId]);

  const { requestId, subjectId, level, text, photos, course } = fields;
  // The latest draft not yet written; written after a pause in typing, and at once when the page goes away (a link
  // to the plans page is often pressed within the pause).
  const pending = useRef<{ userId: string; draft: AskDraft } | null>(null);
  const flush = useRef(() => {
    const next = pending.current;
    pending.current = null;
    if (next) void draftStore().save(next.userId, next.draft);
  });
  useEffect(() => {
    if (!ready) return;
    // Photos still being shrunk are kept as picked; failed ones are not kept.
    const kept = photos.filter((p) => p.status !== 'error').map((p) => ({ blob: p.file, name: p.file.name, uploaded: p.uploaded }));
    pending.current = { userId, draft: { requestId, subjectId, level, text, photos: kept, ...(course ? { course } : {}), savedAt: Date.now() } };
    const timer = window.setTimeout(flush.current, SAVE_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [ready, userId, requestId, subjectId, level, text, photos, course]);
  useEffect(() => {
    const write = flush.current;
    window.addEventListener('pagehide', write);
    return () => {
      window.removeEventListener('pagehide', write);
      write();
    };
  }, []);

  return {
    /** The kept draft has been looked for (and applied when there was one). */
    ready,
    /** A kept draft was brought back. */
    restored,
    /** The question was sent (or the student starts again): forget it. */
    clear: () => {
      pending.current = null;
      setRestored(false);
      return draftStore().clear(userId);
    },
  };
}
