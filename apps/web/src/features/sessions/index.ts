export { SessionPeople } from './session-people';
export { sessionKey, sessionsQueryRoot, useEndSession, useTutoringSession } from './session-queries';
