import { formatNumber, plural } from './format';

/** "4.8 out of 5 (12 ratings)", or a friendly line for a tutor nobody has rated yet. */
export function ratingText(tutor: { rating: number | null; ratingCount: number }): string {
  if (tutor.rating === null || tutor.ratingCount === 0) return 'New tutor, no ratings yet';
  return `${formatNumber(tutor.rating, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} out of 5 (${plural(tutor.ratingCount, { one: '# rating', other: '# ratings' })})`;
}
