export { createSchedulingRepo, type SchedulingRepo } from './scheduling.repo';
export { schedulingRoutes } from './scheduling.routes';
export { createSchedulingService, INSTANT_SESSION_BUSY_MINUTES, type SchedulingService, slotTakenMessage } from './scheduling.service';
