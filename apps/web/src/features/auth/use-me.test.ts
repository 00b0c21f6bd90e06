import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchMe, prefetchMe } from './use-me';

describe('prefetchMe', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('starts GET /api/me at once; the first fetchMe takes that answer and later ones ask again', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ id: 'u1' }), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    prefetchMe();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith('/api/me', expect.objectContaining({ method: 'GET' }));
    await expect(fetchMe()).resolves.toEqual({ id: 'u1' });
    expect(fetch).toHaveBeenCalledTimes(1);
    await expect(fetchMe()).resolves.toEqual({ id: 'u1' });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('answers null for a logged-out visitor, as useMe does', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: 'unauthenticated', message: 'Log in first' }), { status: 401 })));
    prefetchMe();
    await expect(fetchMe()).resolves.toBeNull();
  });
});
