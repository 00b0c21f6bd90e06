import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../src/config';
import { createSigner, SIGNING_SECRET_FILE } from '../src/platform/signing';
import { Client, signUpStudent, startTestApp, type TestApp } from './app';
import { describeEachBackend } from './db';
import { helpConfig, makeDataDir, removeDir, uploadPhoto } from './help';

// Signed photo links (#12.6): a question photo reachable without a log-in, by a link whose signature the server checks.
// Nobody may compute the secret from the configuration, and no link may live longer than the configured maximum.

const PURPOSE = 'question-photo';
const DAY_MS = 86_400_000;
const shared = (photoId: string, exp: number, sig: string) => `/api/help/photos/${photoId}/shared?exp=${exp}&sig=${sig}`;
/** What the server used as its secret when SIGNING_SECRET was unset: computable by anyone who can guess DATA_DIR. */
const derivedSecret = (dataDir: string) => createHash('sha256').update(`tutorline-dev-signing:${path.resolve(dataDir)}`).digest('base64url');

describeEachBackend('signed photo links', ({ db }) => {
  const dirs: string[] = [];
  const apps: TestApp[] = [];
  /** An app whose signing secret is what loadConfig makes of this NODE_ENV and DATA_DIR without SIGNING_SECRET. */
  const start = async (env: 'production' | 'development', overrides: Partial<Config> = {}) => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const { signingSecret } = loadConfig({ NODE_ENV: env, DATA_DIR: dataDir, WHATSAPP_PROVIDER: 'none', WEB_PUSH: 'false' });
    const t = await startTestApp(db().database, { ...helpConfig(dataDir), env, signingSecret, ...overrides });
    apps.push(t);
    const client = new Client(t.baseUrl);
    await signUpStudent(client);
    return { t, dataDir, photoId: await uploadPhoto(t, client) };
  };
  afterAll(async () => {
    for (const t of apps) await t.close();
    for (const d of dirs) removeDir(d);
  });

  it('production without SIGNING_SECRET signs nothing, and a link forged with the DATA_DIR-derived secret opens nothing', async () => {
    const { t, dataDir, photoId } = await start('production');
    const forged = createSigner(derivedSecret(dataDir), { maxTtlSeconds: 86_400 }).sign(PURPOSE, photoId, new Date(Date.now() + 3_600_000));
    expect((await fetch(t.baseUrl + shared(photoId, forged.exp, forged.sig))).status).toBe(404);
    expect(t.app.whatsapp).toBeNull();
    expect(fs.existsSync(path.join(dataDir, SIGNING_SECRET_FILE))).toBe(false);
  });

  describe('outside production without SIGNING_SECRET', () => {
    let t: TestApp;
    let dataDir: string;
    let photoId: string;
    beforeAll(async () => {
      ({ t, dataDir, photoId } = await start('development', { signedLinkMaxSeconds: 86_400 }));
    });

    it('makes a random secret once, in DATA_DIR with 0600 permissions, and signs with it', async () => {
      const file = path.join(dataDir, SIGNING_SECRET_FILE);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const secret = fs.readFileSync(file, 'utf8');
      expect(secret).not.toBe(derivedSecret(dataDir));
      const ok = createSigner(secret, { maxTtlSeconds: 86_400 }).sign(PURPOSE, photoId, new Date(Date.now() + 3_600_000));
      expect((await fetch(t.baseUrl + shared(photoId, ok.exp, ok.sig))).status).toBe(200);
      const forged = createSigner(derivedSecret(dataDir), { maxTtlSeconds: 86_400 }).sign(PURPOSE, photoId, new Date(Date.now() + 3_600_000));
      expect((await fetch(t.baseUrl + shared(photoId, forged.exp, forged.sig))).status).toBe(404);
    });

    it('refuses a correctly signed link that expires beyond the maximum (here 24 hours), such as a 10-year one', async () => {
      const signer = createSigner(fs.readFileSync(path.join(dataDir, SIGNING_SECRET_FILE), 'utf8'), { maxTtlSeconds: 10 * 365 * 86_400 });
      const tenYears = signer.sign(PURPOSE, photoId, new Date(Date.now() + 10 * 365 * DAY_MS));
      expect((await fetch(t.baseUrl + shared(photoId, tenYears.exp, tenYears.sig))).status).toBe(404);
      const twoDays = signer.sign(PURPOSE, photoId, new Date(Date.now() + 2 * DAY_MS));
      expect((await fetch(t.baseUrl + shared(photoId, twoDays.exp, twoDays.sig))).status).toBe(404);
      const hour = signer.sign(PURPOSE, photoId, new Date(Date.now() + 3_600_000));
      expect((await fetch(t.baseUrl + shared(photoId, hour.exp, hour.sig))).status).toBe(200);
    });
  });
});
