export { checkReportCode } from './connectivity.lookups.repo';
export { removeOldCheckReports } from './connectivity.retention.repo';
export { createConnectivityRepo } from './connectivity.repo';
export { connectivityRoutes } from './connectivity.routes';
export { createConnectivityService, type ConnectivityService } from './connectivity.service';
export { connectivityModule } from './connectivity.install';
export { CONNECTIVITY_ERASURE_RULES, createConnectivityErasure } from './connectivity.erasure.repo';
export { checkReportsForTimeline, type TimelineCheckReport } from './connectivity.support.repo';
