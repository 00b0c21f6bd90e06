import type { FeedItem, Question, TutorSummary } from '@tutorline/contracts';
import type { PhotoRow, QuestionRow } from './help.repo';

/** Shapes rows into the DTOs of packages/contracts. */

export const photoUrl = (id: string, size: 'full' | 'thumb') => `/api/help/photos/${id}?size=${size}`;

export function photoViews(photos: PhotoRow[]) {
  return photos.map((p) => ({ id: p.id, url: photoUrl(p.id, 'full'), thumbUrl: photoUrl(p.id, 'thumb'), width: p.width, height: p.height }));
}

export function tutorSummary(row: { id: string; displayName: string; ratingSum: number | null; ratingCount: number | null }): TutorSummary {
  const count = row.ratingCount ?? 0;
  return { id: row.id, displayName: row.displayName, rating: count ? Math.round(((row.ratingSum ?? 0) / count) * 10) / 10 : null, ratingCount: count };
}

export function questionView(q: QuestionRow, photos: PhotoRow[], tutor: TutorSummary | null, timeline?: { type: string; at: Date; data: unknown }[]): Question {
  return {
    id: q.id,
    status: q.status,
    subjectId: q.subjectId,
    level: q.level,
    text: q.text,
    photos: photoViews(photos),
    createdAt: q.createdAt.toISOString(),
    expiresAt: q.expiresAt.toISOString(),
    wave: q.wave,
    notifiedCount: q.notifiedCount,
    nextWaveAt: q.status === 'open' ? (q.nextWaveAt?.toISOString() ?? null) : null,
    claimedAt: q.claimedAt?.toISOString() ?? null,
    tutor,
    sessionId: q.sessionId,
    answeredAt: q.answeredAt?.toISOString() ?? null,
    rating: q.rating,
    waitingTutors: q.status === 'open' ? q.waitingTutors : 0,
    closeReason: q.closeReason,
    ...(timeline
      ? { timeline: timeline.map((e) => ({ type: e.type, at: e.at.toISOString(), data: (e.data as Record<string, unknown> | null) ?? null })) }
      : {}),
  };
}

export function feedItem(q: QuestionRow, photos: PhotoRow[]): FeedItem {
  return {
    questionId: q.id,
    subjectId: q.subjectId,
    level: q.level,
    text: q.text,
    photos: photoViews(photos),
    askedAt: q.createdAt.toISOString(),
    expiresAt: q.expiresAt.toISOString(),
  };
}
