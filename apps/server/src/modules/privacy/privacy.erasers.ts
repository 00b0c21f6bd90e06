import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import type { Storage } from '../../platform/storage';
import type { UserEraser } from '../../platform/user-erasure';
import { createClassesErasure } from '../classes';
import { createClassroomErasure } from '../classroom';
import { createConnectivityErasure } from '../connectivity';
import { createGuardiansErasure } from '../guardians';
import { createHelpErasure } from '../help';
import { createIdentityErasure, createSessionsErasure } from '../identity';
import { createLtiErasure } from '../lti';
import type { PhotoService } from '../media';
import { createMediaErasure, thumbKeyOf } from '../media';
import { createNotificationsErasure } from '../notifications';
import { createOnboardingErasure } from '../onboarding';
import { createRecommendationsErasure } from '../recommendations';
import { createRecordingsErasure } from '../recordings';
import { createRoomsErasure } from '../rooms';
import { createSafetyErasure } from '../safety';
import { createSchedulingErasure } from '../scheduling';
import { createSessionRecErasure } from '../sessionrec';
import { createSupportErasure } from '../support';
import { createTutorsErasure } from '../tutors';
import { createWhatsAppErasure } from '../whatsapp';
import { createPrivacyErasure } from './privacy.erasure.repo';

export interface EraserDeps {
  db: Db;
  logger: Logger;
  storage: Storage;
  photos: Pick<PhotoService, 'remove'>;
  removeRecording(id: string): Promise<boolean>;
  /** Closes revoked sessions' sockets and drops the user from every node's session cache. */
  afterRevoke(sessionIds: string[], userId: string): void;
}

/**
 * Every module's eraser in the order the job runs them (decision 077): the user's sessions first (logged out
 * everywhere, so nothing new is recorded), files and content next, then notices and messages about the user, and
 * identity's tombstone last (others may still need the account until then).
 */
export function allErasers(deps: EraserDeps): UserEraser[] {
  const { db, logger, photos } = deps;
  const deleteFile = (key: string) => deps.storage.delete(key);
  return [
    createSessionsErasure({ db, afterRevoke: deps.afterRevoke }),
    createHelpErasure({ db, photos, logger }),
    createRoomsErasure({ db, photos, logger }),
    createSessionRecErasure({ db, removeRecording: deps.removeRecording }),
    createRecordingsErasure({ db, removeRecording: deps.removeRecording }),
    createClassroomErasure({ db }),
    createClassesErasure({ db }),
    createSchedulingErasure({ db }),
    createTutorsErasure({ db }),
    createRecommendationsErasure({ db }),
    createSafetyErasure({ db }),
    createSupportErasure({ db }),
    createConnectivityErasure({ db }),
    createOnboardingErasure({ db, deleteFile }),
    createLtiErasure({ db }),
    createWhatsAppErasure({ db }),
    createNotificationsErasure({ db }),
    createGuardiansErasure({ db }),
    createMediaErasure({ db }),
    createPrivacyErasure({ db, deleteFile }),
    createIdentityErasure({ db, removePhoto: (key) => photos.remove({ key, thumbKey: thumbKeyOf(key) }) }),
  ];
}
