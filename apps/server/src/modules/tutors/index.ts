export { createTutorsRepo, type TutorsRepo } from './tutors.repo';
export { tutorsRoutes } from './tutors.routes';
export { createTutorsService, type TutorsService } from './tutors.service';
export { partOfDay, publicRating, relevanceScore, RELEVANCE } from './tutors.rules';
export { allFavourites, lessonReviewsBetween, recordStudentRating, studentPrefsFor, type StudentTutorPrefs } from './tutors.lookups.repo';
export { tutorsModule } from './tutors.install';
export { TUTOR_RANKING, type TutorRanking } from './tutors.ports';
export { createTutorsErasure, TUTORS_ERASURE_RULES } from './tutors.erasure.repo';
