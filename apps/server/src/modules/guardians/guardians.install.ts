import fp from 'fastify-plugin';
import { CONSENT_CHECKS } from '../billing';
import { contactsByIds, GUARDIAN_LIMITS, STUDENT_SIGNED_UP } from '../identity';
import { LTI_CHILD_SHARING } from '../lti';
import { type EmailContent, mailLocale } from '../notifications';
import { createGuardianCardCheck } from './guardians.card-check';
import { createGuardianConsent } from './guardians.consent';
import { createGuardianControls } from './guardians.controls';
import { createGuardiansRepo } from './guardians.repo';
import { createGuardianSharing } from './guardians.sharing';
import { guardiansRoutes } from './guardians.routes';
import { needsGuardianConsent } from './guardians.rules';
import { createGuardianSummary } from './guardians.summary';

/** Guardians (issue #20): guardian links, verifiable consent with its evidence, limits, recording, the weekly summary. */
export const guardiansModule = fp(
  async (fastify) => {
    const { database, clock, logger, config, ports, jobs, events } = fastify.platform;
    const db = database.db;
    const identity = fastify.identity;
    const wa = fastify.whatsapp?.whatsapp ?? null;
    const sendWhatsApp = wa ? (waId: string, text: string, key: string, kind: string) => wa.sendText(waId, text, key, kind) : null;
    const repo = createGuardiansRepo(db);
    // Email (#20) through the notification outbox: an invite in the child's language, a summary in the guardian's.
    const email = fastify.notifications.email;
    const on = email.status !== 'not_configured';
    const languageOf = async (userId: string) => mailLocale((await contactsByIds(db, [userId]))[0]?.language);
    const inviteEmail = on ? async (to: string, of: string, content: EmailContent, key: string) => email.queueTo(db, { to, locale: await languageOf(of), content, key }) : null;
    const summaryEmail = on ? (userId: string, content: EmailContent, key: string) => email.queueToUser(db, userId, content, key) : null;
    const consent = createGuardianConsent({ repo, clock, logger, identity, publicUrl: config.publicUrl, sendWhatsApp, sendEmail: inviteEmail, studentWhatsApp: async (id) => (wa ? wa.linkedNumber(id) : null) });
    // The card method (decision 086): billing opens, charges and refunds; it tells us the outcome through CONSENT_CHECKS.
    const cardCheck = createGuardianCardCheck({ repo, clock, logger, identity, consent, billing: fastify.billing.consentChecks, publicUrl: config.publicUrl });
    ports.provide(CONSENT_CHECKS, cardCheck.port);
    // Third-party sharing (COPPA 2025): the LTI module asks whose grades and statements to hold back.
    const sharing = createGuardianSharing({ db, clock, logger, identity, consent });
    ports.provide(LTI_CHILD_SHARING, sharing.port);
    const controls = createGuardianControls({ repo, db, clock, logger, identity, consent, cardCheck, sharing });
    ports.provide(GUARDIAN_LIMITS, controls.limits);
    // A student who signed up needing consent and named a guardian: the link goes out at once. A failure to send is
    // logged, never a failed sign-up (the student can send it again from settings).
    events.on(STUDENT_SIGNED_UP, async ({ studentId, guardianContact }) => {
      try {
        const facts = await identity.studentFacts(studentId);
        if (facts.age !== null && needsGuardianConsent(facts.age, facts.country)) await consent.sendInvite(studentId, guardianContact, facts.displayName);
      } catch (err) {
        logger.error({ err, event: 'guardian_invite_failed', studentId }, 'guardian invite could not be sent');
      }
    });
    const summary = createGuardianSummary({ repo, db, clock, logger, identity, controls, sendWhatsApp, sendEmail: summaryEmail, publicUrl: config.publicUrl });
    await summary.install(jobs);
    fastify.decorate('guardians', { consent, controls, summary });
    await fastify.register(guardiansRoutes, { consent, controls, cardCheck, sharing, identity, clock, secureCookies: config.secureCookies, login: config.login });
  },
  { name: 'tutorline-guardians', fastify: '5.x', decorators: { fastify: ['platform', 'identity', 'billing', 'notifications'] }, dependencies: ['@fastify/rate-limit', 'tutorline-identity', 'tutorline-notifications', 'tutorline-billing', 'tutorline-whatsapp', 'tutorline-scheduling', 'tutorline-rooms', 'tutorline-classes'] },
);
