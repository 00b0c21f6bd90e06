import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { UserExportSource } from '../../platform/user-export';
import { tutorProfiles, users } from './identity.schema';

/** identity's share of a user's export (#20): the profile, never the password hash or staff internals. */
export function createIdentityExport(db: Db): UserExportSource {
  return {
    module: 'identity',
    async exportFor(userId) {
      const [u] = await db.select().from(users).where(eq(users.id, userId));
      if (!u) return { json: {}, files: [] };
      const [tutor] = await db.select().from(tutorProfiles).where(eq(tutorProfiles.userId, userId));
      const profile = {
        id: u.id,
        role: u.role,
        email: u.email,
        displayName: u.displayName,
        phone: u.phone,
        timeZone: u.timeZone,
        language: u.language,
        birthDate: u.birthDate,
        country: u.country,
        guardianContact: u.guardianContact,
        guardianConsentAt: u.guardianConsentAt,
        recordingForbidden: u.recordingForbidden,
        createdAt: u.createdAt,
        tutorProfile: tutor ?? null,
      };
      return { json: { profile }, files: tutor?.photoKey ? [{ name: `profile/${tutor.photoKey.split('/').pop()}`, key: tutor.photoKey }] : [] };
    },
  };
}
