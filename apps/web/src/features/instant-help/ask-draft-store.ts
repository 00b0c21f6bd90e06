import type { UploadedPhoto } from '@tutorline/contracts';
import { createStore, del, get, set, type UseStore } from 'idb-keyval';

/**
 * The ask form's draft, kept in the browser's IndexedDB so it survives leaving the page: the payment detour (the
 * provider's page is another site), a reload, a closed tab. Photos are kept twice over: as the (already shrunk) image
 * itself, and as the id the server gave it once uploaded. The id saves sending it again; the image is what makes
 * the draft robust, should the id no longer be accepted. IndexedDB, not sessionStorage: it stores images as Blobs,
 * and it outlives the tab (a phone may drop a tab in the background while the student pays in another app).
 */

export interface DraftPhoto {
  /** The image as it will be (or was) uploaded. */
  blob: Blob;
  name: string;
  uploaded: UploadedPhoto | null;
}

export interface AskDraft {
  /** The question's client request id: a send retried after paying is still the same question. */
  requestId: string;
  subjectId: string;
  level: string;
  text: string;
  photos: DraftPhoto[];
  /** The LMS course the question is asked from (an "Instant help" link, #16), kept across the payment detour. */
  course?: string;
  /** When it was last saved (ms since the epoch). */
  savedAt: number;
}

/** An unsent question older than this is not brought back. */
export const DRAFT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

const keyOf = (userId: string) => `ask-draft:${userId}`;

/**
 * A photo as written to IndexedDB: its bytes, not a Blob. WebKit refuses Blobs in IndexedDB in a private window (and in
 * its automation sessions, where the WebKit e2e found it): the put fails, so Safari's private mode lost the draft on the
 * payment detour. Bytes store everywhere. Drafts written before (with a Blob) still load.
 */
interface StoredPhoto {
  bytes: ArrayBuffer;
  type: string;
  name: string;
  uploaded: UploadedPhoto | null;
}

type StoredDraft = Omit<AskDraft, 'photos'> & { photos: (StoredPhoto | DraftPhoto)[] };

function isStoredDraft(value: unknown): value is StoredDraft {
  if (!value || typeof value !== 'object') return false;
  const d = value as Partial<StoredDraft>;
  return (
    typeof d.requestId === 'string' &&
    typeof d.subjectId === 'string' &&
    typeof d.level === 'string' &&
    typeof d.text === 'string' &&
    typeof d.savedAt === 'number' &&
    Array.isArray(d.photos) &&
    d.photos.every((p) => p && typeof p === 'object' && typeof p.name === 'string' && ('bytes' in p ? p.bytes instanceof ArrayBuffer && typeof p.type === 'string' : p.blob instanceof Blob))
  );
}

const toStored = async (draft: AskDraft): Promise<StoredDraft> => ({
  ...draft,
  photos: await Promise.all(draft.photos.map(async (p) => ({ bytes: await p.blob.arrayBuffer(), type: p.blob.type, name: p.name, uploaded: p.uploaded }))),
});

const fromStored = (stored: StoredDraft): AskDraft => ({
  ...stored,
  photos: stored.photos.map((p) => ('bytes' in p ? { blob: new Blob([p.bytes], { type: p.type }), name: p.name, uploaded: p.uploaded } : p)),
});

/** Whether a draft has anything in it worth keeping. */
export const draftHasContent = (d: Pick<AskDraft, 'subjectId' | 'level' | 'text' | 'photos'>) => d.photos.length > 0 || d.text.trim() !== '' || d.subjectId !== '' || d.level !== '';

export interface DraftStore {
  /** The user's draft, or null when there is none, it is too old, or storage is unavailable (private mode). */
  load(userId: string, now: number): Promise<AskDraft | null>;
  save(userId: string, draft: AskDraft): Promise<void>;
  clear(userId: string): Promise<void>;
}

/** One draft per user (a shared family tablet keeps each child's own), in its own IndexedDB database. */
export function createDraftStore(store: UseStore = createStore('tutorline-drafts', 'drafts')): DraftStore {
  return {
    async load(userId, now) {
      try {
        const value: unknown = await get(keyOf(userId), store);
        if (!isStoredDraft(value)) return null;
        if (now - value.savedAt > DRAFT_MAX_AGE_MS) {
          await del(keyOf(userId), store);
          return null;
        }
        return fromStored(value);
      } catch {
        return null;
      }
    },
    async save(userId, draft) {
      try {
        if (draftHasContent(draft)) await set(keyOf(userId), await toStored(draft), store);
        else await del(keyOf(userId), store);
      } catch {
        // Storage full or unavailable: the form still works, only without a kept draft.
      }
    },
    async clear(userId) {
      try {
        await del(keyOf(userId), store);
      } catch {
        // As above.
      }
    },
  };
}

let shared: DraftStore | null = null;
/** The app's draft store, made on first use (IndexedDB is not touched by pages that never ask). */
export const draftStore = (): DraftStore => (shared ??= createDraftStore());
