import { definePort } from '../../platform/ports';

/**
 * The "Recommended" sort of tutor search (#17): each tutor's score for this student, higher first. The recommendations
 * module provides it (personalised when the student allows it and a model is loaded, popularity otherwise); tutors
 * without a score sort after the rest, by relevance.
 */
export interface TutorRanking {
  scores(studentId: string, tutorIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
}
export const TUTOR_RANKING = definePort<TutorRanking>('tutors.ranking', 'the recommendations module (tutorline-recommendations)');
