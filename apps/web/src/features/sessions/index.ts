export { ratingPrompt } from './rating-prompt';
export { SessionPeople } from './session-people';
export { sessionKey, sessionsQueryRoot, useEndSession, useTutoringSession } from './session-queries';
export { SessionRatingForm } from './session-rating-form';
