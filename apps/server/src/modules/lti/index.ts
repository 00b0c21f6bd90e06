import type { LmsSimulator } from '../../integrations/lms/simulator';
import type { CourseBookings } from './lti.course-bookings';
import type { ToolKeys } from './lti.keys';
import type { LtiRegistrations } from './lti.registrations';
import type { RostersAndUsage } from './lti.nrps.install';
import type { LtiRepo } from './lti.repo';
import type { AgsService } from './lti.ags.service';

export { ltiModule } from './lti.install';
export { courseRoleOf, launchRefusals, type LaunchRefusal } from './lti.rules';
export { LTI_COURSE_LEFT, LTI_ROSTER_REFRESH_QUEUE } from './lti.nrps.service';
export { LTI_XAPI_SEND_QUEUE } from './lti.xapi.service';
export { type ChildDataSharing, LTI_CHILD_SHARING } from './lti.ports';

declare module 'fastify' {
  interface FastifyInstance {
    /** LTI 1.3 (tutorline-lti); null when production has no SIGNING_SECRET to seal the tool keys. */
    lti: { keys: ToolKeys; registrations: LtiRegistrations; simulator: LmsSimulator | null; repo: LtiRepo; ags: AgsService; courseBookings: CourseBookings; nrps: RostersAndUsage } | null;
  }
}
export { createLtiErasure, LTI_ERASURE_RULES } from './lti.erasure.repo';
