import 'fake-indexeddb/auto';
import { createStore, get, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { type AskDraft, createDraftStore, DRAFT_MAX_AGE_MS } from './ask-draft-store';

const now = Date.parse('2026-11-30T10:00:00Z');
let n = 0;
const freshStore = () => createDraftStore(createStore(`test-drafts-${++n}`, 'drafts'));

/** An IndexedDB store that refuses Blobs, as WebKit does in a private window: the put fails. */
function storeRefusingBlobs() {
  const real = createStore(`test-drafts-${++n}`, 'drafts');
  const hasBlob = (v: unknown): boolean => v instanceof Blob || (Boolean(v) && typeof v === 'object' && !(v instanceof ArrayBuffer) && Object.values(v as object).some(hasBlob));
  const refusing: typeof real = (mode, callback) =>
    real(mode, (store) =>
      callback(
        new Proxy(store, {
          get(target, prop) {
            if (prop === 'put') return (value: unknown, key?: IDBValidKey) => {
              if (hasBlob(value)) throw new DOMException('Error preparing Blob/File data to be stored in object store', 'UnknownError');
              return target.put(value, key);
            };
            const v = Reflect.get(target, prop) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        }),
      ),
    );
  return { real, refusing };
}
const jpeg = (bytes: number[]) => new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' });

const draft = (over: Partial<AskDraft> = {}): AskDraft => ({
  requestId: '6a1f1f0e-6a7b-4a4b-9d3e-1c2b3a4d5e6f',
  subjectId: 'maths',
  level: 'grade-9-10',
  text: 'Stuck on part (b)',
  photos: [
    { blob: jpeg([0xff, 0xd8, 1, 2, 3]), name: 'page.jpg', uploaded: { photoId: 'p1', width: 1200, height: 900, thumbUrl: '/api/help/photos/p1?size=thumb' } },
    { blob: jpeg([0xff, 0xd8, 9]), name: 'second.jpg', uploaded: null },
  ],
  savedAt: now,
  ...over,
});

describe('the ask form draft across the payment detour', () => {
  it('keeps subject, level, note, request id and the photos themselves (bytes and upload ids) through a page load', async () => {
    const store = freshStore();
    await store.save('student-1', draft());
    // A new page: a new store object on the same database.
    const again = await store.load('student-1', now + 60_000);
    expect(again).toMatchObject({ requestId: draft().requestId, subjectId: 'maths', level: 'grade-9-10', text: 'Stuck on part (b)', savedAt: now });
    expect(again!.photos.map((p) => [p.name, p.uploaded?.photoId ?? null, p.blob.type])).toEqual([
      ['page.jpg', 'p1', 'image/jpeg'],
      ['second.jpg', null, 'image/jpeg'],
    ]);
    expect([...new Uint8Array(await again!.photos[0]!.blob.arrayBuffer())]).toEqual([0xff, 0xd8, 1, 2, 3]);
  });

  it('keeps one draft per user, and clears it once the question is sent', async () => {
    const store = freshStore();
    await store.save('student-1', draft());
    await store.save('student-2', draft({ subjectId: 'physics', photos: [] }));
    expect((await store.load('student-2', now))?.subjectId).toBe('physics');
    await store.clear('student-1');
    expect(await store.load('student-1', now)).toBeNull();
    expect(await store.load('student-2', now)).not.toBeNull();
  });

  it('does not keep an empty form, and forgets a draft older than a week', async () => {
    const store = freshStore();
    await store.save('student-1', draft());
    await store.save('student-1', draft({ subjectId: '', level: '', text: '  ', photos: [] }));
    expect(await store.load('student-1', now)).toBeNull();
    await store.save('student-1', draft());
    expect(await store.load('student-1', now + DRAFT_MAX_AGE_MS + 1)).toBeNull();
    expect(await store.load('student-1', now)).toBeNull();
  });

  it('keeps the photos where IndexedDB refuses Blobs (WebKit in a private window): their bytes are stored, not Blobs', async () => {
    const { refusing } = storeRefusingBlobs();
    const store = createDraftStore(refusing);
    await store.save('student-1', draft());
    const again = await store.load('student-1', now);
    expect(again?.photos.map((p) => [p.name, p.blob.type, p.blob.size])).toEqual([
      ['page.jpg', 'image/jpeg', 5],
      ['second.jpg', 'image/jpeg', 3],
    ]);
    expect([...new Uint8Array(await again!.photos[1]!.blob.arrayBuffer())]).toEqual([0xff, 0xd8, 9]);
  });

  it('still loads a draft written before, with the photos as Blobs', async () => {
    const { real } = storeRefusingBlobs();
    await set('ask-draft:student-1', draft(), real);
    expect(await get('ask-draft:student-1', real)).toBeTruthy();
    const again = await createDraftStore(real).load('student-1', now);
    expect(again?.photos.map((p) => p.name)).toEqual(['page.jpg', 'second.jpg']);
    expect([...new Uint8Array(await again!.photos[0]!.blob.arrayBuffer())]).toEqual([0xff, 0xd8, 1, 2, 3]);
  });
});
