import type { RecommendationReason } from '@tutorline/contracts';
import { type MessageKey, translate } from '../../i18n/catalog';
import { formatList } from '../../lib/format';

const how: Record<Extract<RecommendationReason, { kind: 'history' }>['how'], MessageKey> = {
  session: 'reason.session',
  lesson: 'reason.lesson',
  class: 'reason.class',
  favourite: 'reason.favourite',
  view: 'reason.view',
};

/** "A", "A and B", "A, B and C" (en-GB), in the interface language. */
export function namesList(names: readonly string[], opts: { locale?: string } = {}): string {
  return formatList(names, { ...opts, and: true });
}

/** Why a tutor is suggested, in the student's words; the names are only ever tutors the student met themselves. */
export function reasonWords(r: RecommendationReason): string {
  switch (r.kind) {
    case 'history':
      return translate(how[r.how], { names: namesList(r.tutorNames) });
    case 'also_booked':
      return translate('reason.alsoBooked', { name: r.tutorName });
    case 'new':
      return translate('reason.new');
    case 'popular':
      return translate('reason.popular');
  }
}
