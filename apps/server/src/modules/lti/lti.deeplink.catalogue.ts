import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { upcomingClassesForPicker } from '../classes';
import { approvedTutorsNamed, catalogueWithTutors } from '../identity';
import type { ItemSpec } from './lti.deeplink.rules';

/** How many of each the picker lists; a search narrows them. */
export const PICKER_LIMIT = 100;

/** What the deep-link picker offers: real subjects, approved tutors by name, upcoming classes and series by title. */
export interface PickerOptions {
  query: string;
  subjects: { id: string; name: string }[];
  tutors: { id: string; displayName: string }[];
  classes: { id: string; title: string; startsAt: Date }[];
  series: { id: string; title: string; startsAt: Date }[];
}

/**
 * The picker's lists and the server's check of a pick (#16), read through identity's and classes' index: course staff
 * choose a tutor by name and a class by title, and an id that names no such thing is refused, whatever the form sent.
 */
export function createPickerCatalogue(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const subjectsOf = async () => (await catalogueWithTutors(db)).catalogue.map((s) => ({ id: s.id, name: s.name }));

  return {
    async options(query: string): Promise<PickerOptions> {
      const q = query.trim().slice(0, 80);
      const [subjects, tutors, upcoming] = await Promise.all([
        subjectsOf(),
        approvedTutorsNamed(db, { nameContains: q, limit: PICKER_LIMIT }),
        upcomingClassesForPicker(db, { now: clock.now(), titleContains: q, limit: PICKER_LIMIT }),
      ]);
      const series = new Map<string, { id: string; title: string; startsAt: Date }>();
      for (const c of upcoming) if (c.seriesId && !series.has(c.seriesId)) series.set(c.seriesId, { id: c.seriesId, title: c.title, startsAt: c.startsAt });
      return { query: q, subjects, tutors, classes: upcoming.map((c) => ({ id: c.id, title: c.title, startsAt: c.startsAt })), series: [...series.values()] };
    },

    /** Why a pick names nothing real (words for the teacher), or null when every id and subject in it exists. */
    async problemWith(spec: ItemSpec): Promise<string | null> {
      switch (spec.kind) {
        case 'instant':
        case 'book_pool':
          return (await subjectsOf()).some((s) => s.id === spec.subject) ? null : 'That subject is not one Tutorline teaches. Choose one from the list.';
        case 'book_tutor':
          return (await approvedTutorsNamed(db, { ids: [spec.tutorId], limit: 1 })).length ? null : 'The tutor is not one Tutorline knows. Choose one from the list.';
        case 'class':
          return (await upcomingClassesForPicker(db, { now: clock.now(), classIds: [spec.classId], limit: 1 })).length ? null : 'That class is not an upcoming Tutorline class. Choose one from the list.';
        case 'series':
          return (await upcomingClassesForPicker(db, { now: clock.now(), seriesIds: [spec.seriesId], limit: 1 })).length ? null : 'That series has no upcoming classes. Choose one from the list.';
      }
    },
  };
}
export type PickerCatalogue = ReturnType<typeof createPickerCatalogue>;
