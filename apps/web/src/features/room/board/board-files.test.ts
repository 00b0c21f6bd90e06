import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type BoardFileRecord, BoardFiles, type BoardFileSink, sameOriginUrl } from './board-files';

const origin = 'https://tutorline.test';

/** Stands in for Excalidraw's files; `held` are files it already has (the sharer loaded them before sharing). */
function sink(...held: string[]): BoardFileSink & { added: string[] } {
  const ids = new Set(held);
  const added: string[] = [];
  return {
    added,
    has: (id) => ids.has(id),
    add: (file) => {
      ids.add(file.id);
      added.push(`${file.id}:${file.dataURL}`);
    },
  };
}

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

const photo: BoardFileRecord = { id: 'question-photo-1', mimeType: 'image/jpeg', url: '/api/photos/1', created: 1 };

describe('sameOriginUrl', () => {
  it('accepts paths and same-origin URLs, refuses other hosts and junk', () => {
    expect(sameOriginUrl('/api/photos/1', origin)).toBe(`${origin}/api/photos/1`);
    expect(sameOriginUrl(`${origin}/api/photos/1`, origin)).toBe(`${origin}/api/photos/1`);
    expect(sameOriginUrl('https://evil.test/x.png', origin)).toBeNull();
    expect(sameOriginUrl('//evil.test/x.png', origin)).toBeNull();
    expect(sameOriginUrl('javascript:alert(1)', origin)).toBeNull();
  });
});

describe('BoardFiles', () => {
  it('loads each file the other side shared, once, and the files already in the doc on start', async () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.on('update', (u: Uint8Array) => Y.applyUpdate(b, u));
    const fetched: string[] = [];
    const load = async (url: string) => {
      fetched.push(url);
      return `data:${url}`;
    };
    const aFiles = new BoardFiles(a, sink(photo.id), load, origin);
    const bSink = sink();
    const bFiles = new BoardFiles(b, bSink, load, origin);

    aFiles.share(photo);
    aFiles.share(photo);
    await flushPromises();
    expect(bSink.added).toEqual([`question-photo-1:data:${origin}/api/photos/1`]);

    // A reload: the doc already holds the record.
    const late = sink();
    const reloaded = new BoardFiles(b, late, load, origin);
    await flushPromises();
    expect(late.added).toHaveLength(1);
    expect(fetched).toHaveLength(2);
    reloaded.destroy();
    aFiles.destroy();
    bFiles.destroy();
  });

  it('ignores a url on another origin', async () => {
    const doc = new Y.Doc();
    const s = sink();
    const files = new BoardFiles(doc, s, async (url) => url, origin);
    doc.getMap('files').set('x', { ...photo, id: 'x', url: 'https://evil.test/track.png' });
    await flushPromises();
    expect(s.added).toEqual([]);
    files.destroy();
  });

  it('tries a failed file again on the next change', async () => {
    const doc = new Y.Doc();
    const s = sink();
    let fail = true;
    const files = new BoardFiles(doc, s, async (url) => {
      if (fail) throw new Error('offline');
      return url;
    }, origin);
    files.share(photo);
    await flushPromises();
    expect(s.added).toEqual([]);
    fail = false;
    files.share({ ...photo, id: 'question-photo-2', url: '/api/photos/2' });
    await flushPromises();
    expect(s.added.sort()).toEqual([`question-photo-1:${origin}/api/photos/1`, `question-photo-2:${origin}/api/photos/2`]);
    files.destroy();
  });
});
