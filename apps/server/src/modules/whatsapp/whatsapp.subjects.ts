import type { HelpService } from '../help';
import type { IdentityService } from '../identity';
import { type MenuSubject, toMenuSubjects } from './conversation';

/**
 * The subject lists WhatsApp shows. `subjects` is the whole catalogue, for naming a question's subject in a tutor's
 * alert, kept a minute (timed by elapsed real time: a monotonic clock, unaffected by the injected one). `askable` is
 * what a student is offered: only subjects and levels an approved tutor teaches now, as the web's ask form shows (help
 * decides which), so nobody picks a subject no one can answer (#13). It is read afresh for each student message, as the
 * web reads it for each ask page, so a newly approved tutor's subjects are offered at once.
 */
export function subjectMenus(deps: { identity: Pick<IdentityService, 'listSubjects'>; help: Pick<HelpService, 'answerableSubjects'> }) {
  return {
    subjects: cachedForAMinute(async () => toMenuSubjects(await deps.identity.listSubjects())),
    askable: async () => toMenuSubjects((await deps.help.answerableSubjects()).subjects),
  };
}

function cachedForAMinute(load: () => Promise<MenuSubject[]>): () => Promise<MenuSubject[]> {
  let cache: { at: number; value: MenuSubject[] } | null = null;
  return async () => {
    if (!cache || performance.now() - cache.at > 60_000) cache = { at: performance.now(), value: await load() };
    return cache.value;
  };
}
