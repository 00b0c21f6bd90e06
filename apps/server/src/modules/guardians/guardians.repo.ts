import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { guardianCardChecks, guardianConsentEvidence, guardianControls, guardianInvites, guardianLinks, guardianOtps } from './guardians.schema';

export type InviteRow = typeof guardianInvites.$inferSelect;
export type LinkRow = typeof guardianLinks.$inferSelect;
export type OtpRow = typeof guardianOtps.$inferSelect;
export type EvidenceRow = typeof guardianConsentEvidence.$inferSelect;
export type ControlsRow = typeof guardianControls.$inferSelect;
export type CardCheckRow = typeof guardianCardChecks.$inferSelect;
export type LinkStatus = LinkRow['status'];

/** The only code that touches the guardians tables. */
export function createGuardiansRepo(db: Db) {
  return {
    db,
    async insertInvite(values: typeof guardianInvites.$inferInsert): Promise<InviteRow> {
      const [row] = await db.insert(guardianInvites).values(values).returning();
      return row!;
    },
    async inviteByHash(tokenHash: string): Promise<InviteRow | undefined> {
      const [row] = await db.select().from(guardianInvites).where(eq(guardianInvites.tokenHash, tokenHash));
      return row;
    },
    async invitesOf(studentId: string): Promise<InviteRow[]> {
      return db.select().from(guardianInvites).where(eq(guardianInvites.studentId, studentId)).orderBy(desc(guardianInvites.createdAt));
    },

    /**
     * Takes up an invite: the guardian becomes a (pending) guardian of the child, unless the child already has two other
     * guardians. Serialised per child by a transaction-scoped advisory lock, so two guardians at once cannot make three.
     */
    async acceptInvite(inviteId: string, studentId: string, guardianId: string, max: number, now: Date): Promise<'linked' | 'already' | 'full'> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`guardians:${studentId}`}))`);
        const links = await tx.select().from(guardianLinks).where(eq(guardianLinks.studentId, studentId));
        const own = links.find((l) => l.guardianId === guardianId);
        if (!own && links.filter((l) => l.status !== 'revoked').length >= max) return 'full';
        if (!own) await tx.insert(guardianLinks).values({ guardianId, studentId, status: 'pending', createdAt: now, changedAt: now });
        else if (own.status === 'revoked') await tx.update(guardianLinks).set({ status: 'pending', changedAt: now }).where(and(eq(guardianLinks.guardianId, guardianId), eq(guardianLinks.studentId, studentId)));
        await tx.update(guardianInvites).set({ acceptedBy: guardianId, acceptedAt: now }).where(and(eq(guardianInvites.id, inviteId), sql`${guardianInvites.acceptedBy} is null`));
        return own && own.status !== 'revoked' ? 'already' : 'linked';
      });
    },

    async link(guardianId: string, studentId: string): Promise<LinkRow | undefined> {
      const [row] = await db.select().from(guardianLinks).where(and(eq(guardianLinks.guardianId, guardianId), eq(guardianLinks.studentId, studentId)));
      return row;
    },
    async linksOfGuardian(guardianId: string): Promise<LinkRow[]> {
      return db.select().from(guardianLinks).where(and(eq(guardianLinks.guardianId, guardianId), ne(guardianLinks.status, 'revoked')));
    },
    async linksOfStudent(studentId: string): Promise<LinkRow[]> {
      return db.select().from(guardianLinks).where(eq(guardianLinks.studentId, studentId));
    },
    async consentedLinks(): Promise<LinkRow[]> {
      return db.select().from(guardianLinks).where(eq(guardianLinks.status, 'consented'));
    },

    async insertOtp(values: typeof guardianOtps.$inferInsert): Promise<OtpRow> {
      const [row] = await db.insert(guardianOtps).values(values).returning();
      return row!;
    },
    async latestOtp(guardianId: string, studentId: string): Promise<OtpRow | undefined> {
      const [row] = await db.select().from(guardianOtps).where(and(eq(guardianOtps.guardianId, guardianId), eq(guardianOtps.studentId, studentId))).orderBy(desc(guardianOtps.createdAt)).limit(1);
      return row;
    },
    async countOtpTry(id: string): Promise<void> {
      await db.update(guardianOtps).set({ attempts: sql`${guardianOtps.attempts} + 1` }).where(eq(guardianOtps.id, id));
    },

    /** The consent itself: the code used up, the evidence kept and the link consented, in one transaction. */
    async recordConsent(evidence: typeof guardianConsentEvidence.$inferInsert, otpId: string | null): Promise<EvidenceRow | null> {
      return db.transaction(async (tx) => {
        if (otpId) {
          const used = await tx.update(guardianOtps).set({ usedAt: evidence.at }).where(and(eq(guardianOtps.id, otpId), sql`${guardianOtps.usedAt} is null`)).returning({ id: guardianOtps.id });
          if (!used.length) return null;
        }
        const [row] = await tx.insert(guardianConsentEvidence).values(evidence).returning();
        await tx.update(guardianLinks).set({ status: 'consented', changedAt: evidence.at! }).where(and(eq(guardianLinks.guardianId, evidence.guardianId), eq(guardianLinks.studentId, evidence.studentId)));
        return row!;
      });
    },
    async evidenceOf(studentId: string): Promise<EvidenceRow[]> {
      return db.select().from(guardianConsentEvidence).where(eq(guardianConsentEvidence.studentId, studentId)).orderBy(desc(guardianConsentEvidence.at));
    },

    /** A guardian withdraws consent: their link is revoked and every other guardian's consent on this child goes back to pending. */
    async revoke(guardianId: string, studentId: string, now: Date): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(guardianLinks).set({ status: 'revoked', changedAt: now }).where(and(eq(guardianLinks.guardianId, guardianId), eq(guardianLinks.studentId, studentId)));
        await tx.update(guardianLinks).set({ status: 'pending', changedAt: now }).where(and(eq(guardianLinks.studentId, studentId), eq(guardianLinks.status, 'consented')));
      });
    },

    /** The WhatsApp number a guardian proved with a code (their latest consent's), for the weekly summary. */
    async guardianNumber(guardianId: string): Promise<string | null> {
      const [row] = await db
        .select({ phone: guardianConsentEvidence.otpPhone })
        .from(guardianConsentEvidence)
        .where(and(eq(guardianConsentEvidence.guardianId, guardianId), sql`${guardianConsentEvidence.otpPhone} is not null`))
        .orderBy(desc(guardianConsentEvidence.at))
        .limit(1);
      return row?.phone ?? null;
    },

    async insertCardCheck(values: typeof guardianCardChecks.$inferInsert): Promise<CardCheckRow> {
      const [row] = await db.insert(guardianCardChecks).values(values).returning();
      return row!;
    },
    async updateCardCheck(id: string, set: Partial<typeof guardianCardChecks.$inferInsert>): Promise<void> {
      await db.update(guardianCardChecks).set(set).where(eq(guardianCardChecks.id, id));
    },
    async cardCheck(id: string): Promise<CardCheckRow | undefined> {
      const [row] = await db.select().from(guardianCardChecks).where(eq(guardianCardChecks.id, id));
      return row;
    },
    async latestCardCheck(guardianId: string, studentId: string): Promise<CardCheckRow | undefined> {
      const [row] = await db.select().from(guardianCardChecks).where(and(eq(guardianCardChecks.guardianId, guardianId), eq(guardianCardChecks.studentId, studentId))).orderBy(desc(guardianCardChecks.createdAt)).limit(1);
      return row;
    },
    /** An open (or failed, then paid late) card check that is not over yet becomes failed; a consented one stays. */
    async failCardCheck(id: string, at: Date): Promise<boolean> {
      const r = await db.update(guardianCardChecks).set({ status: 'failed', settledAt: at }).where(and(eq(guardianCardChecks.id, id), eq(guardianCardChecks.status, 'open'))).returning({ id: guardianCardChecks.id });
      return r.length > 0;
    },
    /**
     * A card check's payment: under a row lock on the request, the evidence is written and the link consented once per
     * request (a second payment finds it consented); a link revoked (or gone) since the check started records nothing.
     */
    async recordCardConsent(id: string, payment: { paymentId: string; at: Date }): Promise<{ recorded: EvidenceRow; check: CardCheckRow } | 'not_found' | 'already' | 'not_linked'> {
      return db.transaction(async (tx) => {
        const [check] = await tx.select().from(guardianCardChecks).where(eq(guardianCardChecks.id, id)).for('update');
        if (!check) return 'not_found';
        if (check.status === 'consented') return 'already';
        const [link] = await tx.select().from(guardianLinks).where(and(eq(guardianLinks.guardianId, check.guardianId), eq(guardianLinks.studentId, check.studentId)));
        if (!link || link.status === 'revoked') return 'not_linked';
        const [evidence] = await tx
          .insert(guardianConsentEvidence)
          .values({ guardianId: check.guardianId, studentId: check.studentId, method: 'card_charge', at: payment.at, ip: check.ip, textVersion: check.textVersion, textAgreed: check.textAgreed, signedName: check.signedName, chargeRef: payment.paymentId })
          .returning();
        await tx.update(guardianLinks).set({ status: 'consented', changedAt: payment.at }).where(and(eq(guardianLinks.guardianId, check.guardianId), eq(guardianLinks.studentId, check.studentId)));
        await tx.update(guardianCardChecks).set({ status: 'consented', paymentId: payment.paymentId, evidenceId: evidence!.id, settledAt: payment.at }).where(eq(guardianCardChecks.id, id));
        return { recorded: evidence!, check };
      });
    },

    async controlsOf(studentIds: readonly string[]): Promise<ControlsRow[]> {
      if (!studentIds.length) return [];
      return db.select().from(guardianControls).where(inArray(guardianControls.studentId, [...studentIds]));
    },
    async upsertControls(values: typeof guardianControls.$inferInsert): Promise<ControlsRow> {
      const { studentId: _s, ...rest } = values;
      const [row] = await db.insert(guardianControls).values(values).onConflictDoUpdate({ target: guardianControls.studentId, set: rest }).returning();
      return row!;
    },
  };
}
export type GuardiansRepo = ReturnType<typeof createGuardiansRepo>;
