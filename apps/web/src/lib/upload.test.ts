import { afterEach, describe, expect, it } from 'vitest';
import { uploadFile } from './upload';

/** A stand-in for the browser's XMLHttpRequest: records the request, reports progress, answers what it is told. */
class FakeXhr {
  static last: FakeXhr | null = null;
  static answer = { status: 200, body: '{}' };
  method = '';
  url = '';
  status = 0;
  responseText = '';
  withCredentials = false;
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
    FakeXhr.last = this;
  }
  setRequestHeader() {}
  getResponseHeader() {
    return null;
  }
  abort() {}
  send() {
    this.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 100 });
    this.status = FakeXhr.answer.status;
    this.responseText = FakeXhr.answer.body;
    queueMicrotask(() => this.onload?.());
  }
}

const original = globalThis.XMLHttpRequest;
afterEach(() => {
  globalThis.XMLHttpRequest = original;
});

describe('uploadFile', () => {
  it('PUTs when asked (a tutor replaces their photo), reporting progress and resolving with the answer', async () => {
    globalThis.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;
    FakeXhr.answer = { status: 200, body: JSON.stringify({ photoUrl: '/api/tutors/t/photo?v=abc', width: 512, height: 512 }) };
    const progress: number[] = [];
    const result = await uploadFile('/api/tutors/me/photo', 'file', new Blob(['x']), { method: 'PUT', onProgress: (f) => progress.push(f) });
    expect(FakeXhr.last).toMatchObject({ method: 'PUT', url: '/api/tutors/me/photo' });
    expect(progress).toEqual([0.5]);
    expect(result).toEqual({ photoUrl: '/api/tutors/t/photo?v=abc', width: 512, height: 512 });
  });

  it("rejects with the server's message for a photo it refuses", async () => {
    globalThis.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;
    FakeXhr.answer = { status: 415, body: JSON.stringify({ error: { code: 'unsupported_media_type', message: 'That file is not a photo we can read.', requestId: 'r1' } }) };
    await expect(uploadFile('/api/tutors/me/photo', 'file', new Blob(['x']), { method: 'PUT' })).rejects.toMatchObject({ status: 415, message: 'That file is not a photo we can read.' });
    expect(FakeXhr.last?.method).toBe('PUT');
  });
});
