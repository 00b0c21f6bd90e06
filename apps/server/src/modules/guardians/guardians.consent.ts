import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { GuardianInviteView } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import { fail, ok, type Fail, type Result } from '../../platform/result';
import type { Logger } from '../../platform/logger';
import type { AuthUser, IdentityService } from '../identity';
import { emailAddressValid, type EmailContent } from '../notifications';
import { checkDeclaration, checkOtp, declarationText, DECLARATION_VERSION, MAX_GUARDIANS_PER_CHILD, needsGuardianConsent, OTP_TTL_MS, otpNumberAllowed, phoneDigits } from './guardians.rules';
import type { GuardiansRepo, InviteRow } from './guardians.repo';

/** An invite link stays usable for 14 days. */
export const INVITE_TTL_MS = 14 * 86_400_000;
const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

export interface GuardianConsentDeps {
  repo: GuardiansRepo;
  clock: Clock;
  logger: Logger;
  identity: IdentityService;
  publicUrl: string;
  /** Sends a WhatsApp text through the outbox (null when no WhatsApp provider is configured). */
  sendWhatsApp: ((waId: string, text: string, key: string, kind: string) => Promise<void>) | null;
  /** Queues an email in the language of `languageOf`'s account (null when email is not configured); false if not queued. */
  sendEmail: ((to: string, languageOf: string, content: EmailContent, key: string) => Promise<boolean>) | null;
  /** The WhatsApp number linked to a student's account, if any (the code must not go there). */
  studentWhatsApp(studentId: string): Promise<string | null>;
}

export type InviteFailure = Fail<'not_a_student'> | Fail<'consent_not_needed'> | Fail<'bad_contact'>;
export type LinkFailure = Fail<'invite_not_found'> | Fail<'invite_expired'> | Fail<'not_a_guardian'> | Fail<'too_many_guardians'>;
export type OtpFailure = Fail<'not_your_child'> | Fail<'same_number'> | Fail<'no_channel'>;
export type ConsentFailure = Fail<'not_your_child'> | Fail<'no_code'> | Fail<'code_expired'> | Fail<'code_wrong'> | Fail<'too_many_attempts'> | Fail<'code_used'> | Fail<'declaration_required'> | Fail<'declaration_changed'>;

const e164Re = /^\+[1-9]\d{6,14}$/;

/** The guardian link and verifiable consent (issue #20): invite, take up, one-time code plus signed declaration, revoke. */
export function createGuardianConsent(deps: GuardianConsentDeps) {
  const { repo, clock, logger, identity } = deps;

  async function sendInvite(studentId: string, contact: string, childName: string): Promise<{ channel: 'whatsapp' | 'email'; sent: boolean }> {
    const trimmed = contact.trim();
    const channel = e164Re.test(trimmed.replace(/[\s-]/g, '')) ? 'whatsapp' : 'email';
    const token = randomBytes(24).toString('base64url');
    const now = clock.now();
    const invite = await repo.insertInvite({ studentId, tokenHash: sha(token), channel, contact: channel === 'whatsapp' ? trimmed.replace(/[\s-]/g, '') : trimmed.toLowerCase(), createdAt: now, expiresAt: new Date(now.getTime() + INVITE_TTL_MS) });
    // In the fragment: it never reaches a server log or a Referer header.
    const url = `${deps.publicUrl}/guardian/invite#${token}`;
    let sent = false;
    if (channel === 'whatsapp' && deps.sendWhatsApp) {
      const text = `${childName} asked you to be their guardian on Tutorline. Before they can ask tutors or join calls, a parent or guardian needs to agree. Open this link to see what they can do and give consent: ${url}`;
      await deps.sendWhatsApp(phoneDigits(invite.contact), text, `guardian-invite:${invite.id}`, 'guardian.invite');
      sent = true;
    }
    // Email goes through the notification outbox; without email configured the invite is kept (settings show it), unsent.
    if (channel === 'email' && deps.sendEmail) sent = await deps.sendEmail(invite.contact, studentId, { kind: 'guardian.invite', childName, url }, `guardian-invite:${invite.id}`);
    logger.info({ event: sent ? 'guardian_invite_sent' : 'guardian_invite_unsent', studentId, inviteId: invite.id, channel }, sent ? 'guardian invite sent' : 'guardian invite kept, no channel to send it');
    return { channel, sent };
  }

  async function openInvite(token: string): Promise<Result<{ invite: InviteRow; childName: string }, Fail<'invite_not_found'> | Fail<'invite_expired'>>> {
    const invite = token.length <= 100 ? await repo.inviteByHash(sha(token)) : undefined;
    if (!invite) return fail('invite_not_found');
    if (clock.now().getTime() >= invite.expiresAt.getTime()) return fail('invite_expired');
    const child = await identity.studentFacts(invite.studentId);
    return ok({ invite, childName: child.displayName });
  }

  /** The one consent gate lives in identity; this keeps it in step with the guardians' links. */
  async function childOf(guardian: AuthUser, studentId: string) {
    if (guardian.role !== 'guardian') return null;
    const link = await repo.link(guardian.id, studentId);
    return link && link.status !== 'revoked' ? link : null;
  }

  return {
    sendInvite,

    /** A student (under the consent age, without consent) names a guardian: a link goes to them. */
    async inviteGuardian(student: AuthUser, contact: string): Promise<Result<{ channel: 'whatsapp' | 'email'; sent: boolean }, InviteFailure>> {
      if (student.role !== 'student') return fail('not_a_student');
      const facts = await identity.studentFacts(student.id);
      if (facts.age === null || !needsGuardianConsent(facts.age, facts.country) || facts.consentAt) return fail('consent_not_needed');
      const c = contact.trim();
      if (!e164Re.test(c.replace(/[\s-]/g, '')) && !emailAddressValid(c)) return fail('bad_contact');
      await identity.recordGuardianContact(student.id, c);
      return ok(await sendInvite(student.id, c, facts.displayName));
    },

    async previewInvite(token: string): Promise<Result<GuardianInviteView, Fail<'invite_not_found'>>> {
      const invite = token.length <= 100 ? await repo.inviteByHash(sha(token)) : undefined;
      if (!invite) return fail('invite_not_found');
      const child = await identity.studentFacts(invite.studentId);
      return ok({ childName: child.displayName, channel: invite.channel, expired: clock.now().getTime() >= invite.expiresAt.getTime(), declarationVersion: DECLARATION_VERSION, declarationText: declarationText(child.displayName)! });
    },

    /** A logged-in guardian takes up an invite: they become one of the child's guardians (at most two). */
    async acceptInvite(guardian: AuthUser, token: string): Promise<Result<{ studentId: string }, LinkFailure>> {
      if (guardian.role !== 'guardian') return fail('not_a_guardian');
      const opened = await openInvite(token);
      if (!opened.ok) return opened;
      const { invite } = opened.value;
      const r = await repo.acceptInvite(invite.id, invite.studentId, guardian.id, MAX_GUARDIANS_PER_CHILD, clock.now());
      if (r === 'full') return fail('too_many_guardians');
      if (r === 'linked') logger.info({ event: 'guardian_linked', audit: true, guardianId: guardian.id, studentId: invite.studentId, inviteId: invite.id }, 'guardian linked to a student');
      return ok({ studentId: invite.studentId });
    },

    /** Sends a one-time code by WhatsApp to the guardian's number, which must not be one of the child's. */
    async sendCode(guardian: AuthUser, studentId: string, phone: string): Promise<Result<{ expiresAt: string }, OtpFailure>> {
      if (!(await childOf(guardian, studentId))) return fail('not_your_child');
      const child = await identity.studentFacts(studentId);
      const childWa = await deps.studentWhatsApp(studentId);
      if (!otpNumberAllowed(phone, [child.phone, childWa ? `+${childWa}` : null])) return fail('same_number');
      if (!deps.sendWhatsApp) return fail('no_channel');
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const now = clock.now();
      const otp = await repo.insertOtp({ guardianId: guardian.id, studentId, phone, codeHash: sha(`${guardian.id}:${code}`), createdAt: now, expiresAt: new Date(now.getTime() + OTP_TTL_MS) });
      await deps.sendWhatsApp(phoneDigits(phone), `Your Tutorline consent code for ${child.displayName} is ${code}. It expires in 10 minutes. If you did not ask for it, ignore this message.`, `guardian-otp:${otp.id}`, 'guardian.otp');
      logger.info({ event: 'guardian_code_sent', guardianId: guardian.id, studentId, otpId: otp.id }, 'guardian consent code sent');
      return ok({ expiresAt: otp.expiresAt.toISOString() });
    },

    /** The code and the signed declaration: the evidence is kept, the link consented and the child may act at once. */
    async consentWithCode(guardian: AuthUser, studentId: string, body: { code: string; fullName: string; agreed: boolean; declarationVersion: string; declarationText: string }, ip: string): Promise<Result<{ consentId: string }, ConsentFailure>> {
      if (!(await childOf(guardian, studentId))) return fail('not_your_child');
      const child = await identity.studentFacts(studentId);
      const declared = checkDeclaration({ fullName: body.fullName, agreed: body.agreed, text: body.declarationText }, declarationText(child.displayName, body.declarationVersion));
      if (!declared.ok) return fail(declared.reason);
      const otp = await repo.latestOtp(guardian.id, studentId);
      if (!otp) return fail('no_code');
      const given = Buffer.from(sha(`${guardian.id}:${body.code}`));
      const matches = given.length === Buffer.from(otp.codeHash).length && timingSafeEqual(given, Buffer.from(otp.codeHash));
      const now = clock.now();
      const checked = checkOtp(otp, matches, now);
      if (!checked.ok) {
        if (checked.reason === 'code_wrong') await repo.countOtpTry(otp.id);
        logger.info({ event: 'guardian_consent_refused', guardianId: guardian.id, studentId, reason: checked.reason }, 'guardian consent refused');
        return fail(checked.reason);
      }
      const evidence = await repo.recordConsent(
        { guardianId: guardian.id, studentId, method: 'otp_declaration', at: now, ip, textVersion: body.declarationVersion, textAgreed: body.declarationText, signedName: body.fullName.trim(), otpPhone: otp.phone },
        otp.id,
      );
      if (!evidence) return fail('code_used');
      await identity.setConsent(studentId, now);
      logger.info({ event: 'guardian_consent_given', audit: true, guardianId: guardian.id, studentId, consentId: evidence.id, method: 'otp_declaration', textVersion: body.declarationVersion, at: now.toISOString() }, 'guardian consent given');
      return ok({ consentId: evidence.id });
    },

    /** Withdraws consent: the child is refused new asks, bookings and calls from now on (every node's cache is told). */
    async revoke(guardian: AuthUser, studentId: string): Promise<Result<void, Fail<'not_your_child'>>> {
      if (!(await childOf(guardian, studentId))) return fail('not_your_child');
      const now = clock.now();
      await repo.revoke(guardian.id, studentId, now);
      await identity.setConsent(studentId, null);
      logger.info({ event: 'guardian_consent_revoked', audit: true, guardianId: guardian.id, studentId, at: now.toISOString() }, 'guardian consent revoked');
      return ok(undefined);
    },

    childOf,
  };
}
export type GuardianConsent = ReturnType<typeof createGuardianConsent>;
