import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import type { PickerCatalogue } from './lti.deeplink.catalogue';
import type { DeepLinkRepo, DeepLinkRow, PlacedItemRow } from './lti.deeplink.repo';
import { contentItemFor, DEEP_LINK_TTL_SECONDS, type DeepLinkSettings, deepLinkAudience, deepLinkResponseClaims, type ItemSpec, landingPath, parseChoice } from './lti.deeplink.rules';
import type { ToolKeys } from './lti.keys';
import type { LtiRepo, RegistrationRow } from './lti.repo';
import type { LaunchRefusal } from './lti.rules';

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export type PickerRefusal = Extract<LaunchRefusal, 'deep_link_replayed' | 'state_expired' | 'state_forged' | 'registration_inactive'>;
export type Picker = { ok: true; link: DeepLinkRow; registration: RegistrationRow; courseTitle: string | null } | { ok: false; reason: PickerRefusal; registration: RegistrationRow | null };
export type Responded =
  | { ok: true; returnUrl: string; jwt: string; item: PlacedItemRow; registration: RegistrationRow }
  | { ok: false; reason: PickerRefusal; registration: RegistrationRow | null }
  | { ok: false; reason: 'deep_link_bad_choice'; problem: string; picker: Extract<Picker, { ok: true }> };

/**
 * Deep Linking 2.0 (issue #16): a staff launch of LtiDeepLinkingRequest leaves a one-time picker token; the pick places
 * an item and answers the platform with a signed LtiDeepLinkingResponse, once. Learners launching a placed item land
 * on its page.
 */
export function createDeepLinks(deps: { repo: LtiRepo; links: DeepLinkRepo; db: Db; clock: Clock; logger: Logger; keys: ToolKeys; toolOrigin: string; catalogue: PickerCatalogue }) {
  const { repo, links, db, clock, logger, keys, toolOrigin, catalogue } = deps;

  async function picker(token: string | undefined): Promise<Picker> {
    const row = token ? await links.findDeepLink(sha256(token)) : undefined;
    if (!row) return { ok: false, reason: 'state_forged', registration: null };
    const registration = (await repo.findRegistration(row.registrationId)) ?? null;
    if (!registration || registration.status !== 'active') return { ok: false, reason: 'registration_inactive', registration };
    if (row.usedAt) return { ok: false, reason: 'deep_link_replayed', registration };
    if (row.expiresAt.getTime() <= clock.now().getTime()) return { ok: false, reason: 'state_expired', registration };
    const course = row.courseId ? await repo.courseOf(row.courseId, row.userId) : undefined;
    return { ok: true, link: row, registration, courseTitle: course?.title ?? null };
  }

  return {
    /** Inside the launch's transaction: the picker's one-time token for a staff deep-linking request. */
    async start(tx: Tx, p: { registrationId: string; deploymentId: string; courseId: string | null; userId: string; settings: DeepLinkSettings; now: Date }): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      await links.insertDeepLink(tx, {
        tokenHash: sha256(token),
        registrationId: p.registrationId,
        deploymentId: p.deploymentId,
        courseId: p.courseId,
        userId: p.userId,
        returnUrl: p.settings.returnUrl,
        data: p.settings.data,
        acceptMultiple: p.settings.acceptMultiple,
        createdAt: p.now,
        expiresAt: new Date(p.now.getTime() + DEEP_LINK_TTL_SECONDS * 1000),
      });
      return token;
    },

    picker,

    /** The picker's lists (real subjects, tutors, classes and series), narrowed by a search. */
    options: (query: string) => catalogue.options(query),

    /** The pick: the item is placed and the signed response made, or nothing happens and the reason is logged. */
    async respond(token: string | undefined, form: Record<string, string | undefined>): Promise<Responded> {
      const open = await picker(token);
      if (!open.ok) {
        logger.warn({ event: 'lti_deep_link_refused', reason: open.reason, registrationId: open.registration?.id ?? null }, 'LTI deep link refused');
        return open;
      }
      const parsed = parseChoice(form);
      // A well-formed id must also name a real tutor, class or series (a form can send anything).
      const unknown = parsed.ok ? await catalogue.problemWith(parsed.value.spec) : null;
      const choice = unknown ? { ok: false as const, problem: unknown } : parsed;
      if (!choice.ok) {
        logger.warn({ event: 'lti_deep_link_refused', reason: 'deep_link_bad_choice', registrationId: open.registration.id, problem: choice.problem }, 'LTI deep link choice refused');
        return { ok: false, reason: 'deep_link_bad_choice', problem: choice.problem, picker: open };
      }
      const now = clock.now();
      const { link, registration } = open;
      const item = await db.transaction(async (tx) => {
        // One conditional UPDATE decides: a second submission (another tab, a replayed post) places nothing.
        if (!(await links.useDeepLink(tx, link.tokenHash, now))) return null;
        const { spec, title, lineItem } = choice.value;
        return links.insertPlacedItem(tx, { registrationId: registration.id, courseId: link.courseId, kind: spec.kind, spec: { ...spec }, title, lineItem, createdBy: link.userId, createdAt: now });
      });
      if (!item) {
        logger.warn({ event: 'lti_deep_link_refused', reason: 'deep_link_replayed', registrationId: registration.id }, 'LTI deep link refused');
        return { ok: false, reason: 'deep_link_replayed', registration };
      }
      const claims = deepLinkResponseClaims({ deploymentId: link.deploymentId, data: link.data, items: [contentItemFor(item, toolOrigin)], nonce: randomBytes(16).toString('base64url') });
      const jwt = await keys.sign(claims, { issuer: registration.clientId, audience: deepLinkAudience(registration), expiresInSeconds: 5 * 60 });
      logger.info({ event: 'lti_item_placed', itemId: item.id, kind: item.kind, registrationId: registration.id, courseId: item.courseId, userId: link.userId, lineItem: item.lineItem !== null }, 'LTI deep link placed an item');
      return { ok: true, returnUrl: link.returnUrl, jwt, item, registration };
    },

    /** Where a launch of a placed item lands, or null when this registration placed no such item. */
    async landingFor(itemId: string, registrationId: string): Promise<((courseId: string | null) => string) | null> {
      const item = await links.placedItem(itemId, registrationId);
      // The launch's own course wins: an LMS copying a course carries its items into the new one.
      return item ? (courseId) => landingPath(item.spec as unknown as ItemSpec, courseId ?? item.courseId) : null;
    },
  };
}
export type DeepLinks = ReturnType<typeof createDeepLinks>;
