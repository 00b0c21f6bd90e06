/**
 * Every module's tables in one object, for tests that read or set up rows directly. Product code never uses this:
 * each module's repo imports only its own `<module>.schema.ts` (npm run lint enforces it).
 */
import * as billing from '../src/modules/billing/billing.schema';
import * as classroom from '../src/modules/classroom/classroom.schema';
import * as connectivity from '../src/modules/connectivity/connectivity.schema';
import * as help from '../src/modules/help/help.schema';
import * as identity from '../src/modules/identity/identity.schema';
import * as media from '../src/modules/media/media.schema';
import * as notifications from '../src/modules/notifications/notifications.schema';
import * as recordings from '../src/modules/recordings/recordings.schema';
import * as rooms from '../src/modules/rooms/rooms.schema';
import * as sessionrec from '../src/modules/sessionrec/sessionrec.schema';
import * as scheduling from '../src/modules/scheduling/scheduling.schema';
import * as tutors from '../src/modules/tutors/tutors.schema';
import * as whatsapp from '../src/modules/whatsapp/whatsapp.schema';
import * as classes from '../src/modules/classes/classes.schema';
import * as jobs from '../src/platform/jobs.schema';
import * as ops from '../src/modules/ops/ops.schema';
import * as onboarding from '../src/modules/onboarding/onboarding.schema';
import * as guardians from '../src/modules/guardians/guardians.schema';
import * as audit from '../src/modules/audit/audit.schema';
import * as safety from '../src/modules/safety/safety.schema';
import * as privacy from '../src/modules/privacy/privacy.schema';
import * as support from '../src/modules/support/support.schema';

export const schema = { ...identity, ...jobs, ...help, ...tutors, ...rooms, ...media, ...connectivity, ...whatsapp, ...scheduling, ...notifications, ...billing, ...classes, ...classroom, ...recordings, ...sessionrec, ...ops, ...onboarding, ...guardians, ...audit, ...safety, ...privacy, ...support };
