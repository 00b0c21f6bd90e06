import { z } from 'zod';

/**
 * course_staff: an LMS course's instructor or teaching assistant (LTI, issue #16); sees their course, is not a tutor.
 * guardian: a parent or guardian who consented for one or more students (issue #20).
 */
export const roles = ['student', 'tutor', 'admin', 'course_staff', 'guardian'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/**
 * Staff roles (issue #18), separate from the account's role: a staff account holds one or more. `admin` may do
 * everything, including granting these roles.
 */
export const staffRoles = ['ops', 'support', 'finance', 'admin'] as const;
export const staffRoleSchema = z.enum(staffRoles);
export type StaffRole = z.infer<typeof staffRoleSchema>;

export const approvalStatuses = ['pending', 'approved', 'suspended'] as const;
export const approvalStatusSchema = z.enum(approvalStatuses);
export type ApprovalStatus = z.infer<typeof approvalStatusSchema>;

/** E.164, e.g. +919812345678. */
export const phoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +919812345678');
export const emailSchema = z.string().trim().toLowerCase().min(1, 'is required').pipe(z.email('must be an email address')).pipe(z.string().max(254, 'must be at most 254 characters'));
/** Length only: the strength rule (checkPasswordStrength, decision 021) runs after the schema, on the server and in the forms. */
export const passwordSchema = z.string().min(10, 'must be at least 10 characters. A few unrelated words make a long password that is easy to remember.').max(200, 'must be at most 200 characters');
export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');
export const timeZoneSchema = z.string().min(1).max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Kolkata');

/** ISO 3166-1 alpha-2, e.g. IN; it decides the consent age (guardians.rules consentAgeFor). */
export const countrySchema = z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as IN');

/** The languages the interface is written in (issue #21); a translation adds its code here and a catalog in apps/web. */
export const uiLanguages = ['en', 'hi'] as const;
export const uiLanguageSchema = z.enum(uiLanguages);
export type UiLanguage = z.infer<typeof uiLanguageSchema>;

export const signUpBodySchema = z.strictObject({
  role: z.enum(['student', 'tutor']),
  email: emailSchema,
  password: passwordSchema,
  displayName: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
  phone: phoneSchema.optional(),
  /** Students only: needed to apply the under-18 and under-13 rules. */
  birthDate: isoDateSchema.optional(),
  /** Students under 18: a guardian's email or phone. */
  guardianContact: z.string().trim().min(3, 'must be a guardian email or phone').max(254).optional(),
  timeZone: timeZoneSchema.optional(),
  /** Students: where they live, for the consent age (13 by default, 18 in India). */
  country: countrySchema.optional(),
  /** The interface language chosen at sign-up; English when absent. */
  language: uiLanguageSchema.optional(),
});
export type SignUpBody = z.infer<typeof signUpBodySchema>;

export const logInBodySchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(1, 'is required').max(200, 'must be at most 200 characters'),
});
export type LogInBody = z.infer<typeof logInBodySchema>;

export const changePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordSchema,
});

export const minorStatusSchema = z.object({
  isMinor: z.boolean(),
  needsConsent: z.boolean(),
  guardianContact: z.string().nullable(),
  consentAt: z.string().nullable(),
});

export const meSchema = z.object({
  id: z.string(),
  role: roleSchema,
  email: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  timeZone: z.string(),
  language: uiLanguageSchema,
  createdAt: z.string(),
  /** False for a student under 13 without guardian consent. */
  canAskOrBook: z.boolean(),
  minor: minorStatusSchema.nullable(),
  /** Students: the country of the consent rules, or null (the default rules). */
  country: z.string().nullable(),
  /** The staff roles this account holds (staff accounts only; empty for students and tutors). */
  staffRoles: z.array(staffRoleSchema),
});
export type Me = z.infer<typeof meSchema>;

export const updateMeBodySchema = z.strictObject({
  displayName: z.string().trim().min(1).max(80).optional(),
  phone: phoneSchema.nullable().optional(),
  timeZone: timeZoneSchema.optional(),
  language: uiLanguageSchema.optional(),
});

export const subjectSchema = z.object({
  id: z.string(),
  name: z.string(),
  levels: z.array(z.string()),
});
export type Subject = z.infer<typeof subjectSchema>;

export const tutorSubjectSchema = z.object({ subjectId: z.string(), level: z.string() });

export const tutorProfileSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  bio: z.string(),
  subjects: z.array(tutorSubjectSchema),
  languages: z.array(z.string()),
  timeZone: z.string(),
  hourlyRateMinor: z.number().int(),
  currency: z.string(),
  approvalStatus: approvalStatusSchema,
});
export type TutorProfile = z.infer<typeof tutorProfileSchema>;

export const updateTutorProfileBodySchema = z.strictObject({
  bio: z.string().trim().max(2000).optional(),
  subjects: z.array(z.strictObject({ subjectId: z.string().min(1).max(40), level: z.string().min(1).max(40) })).max(40).optional(),
  languages: z.array(z.string().trim().min(2).max(40)).max(10).optional(),
  timeZone: timeZoneSchema.optional(),
  hourlyRateMinor: z.number().int().min(0).max(10_000_000).optional(),
  currency: z.enum(['INR', 'USD']).optional(),
});

export const setApprovalBodySchema = z.strictObject({ status: approvalStatusSchema, reason: z.string().trim().max(500).optional() });

/** Suspending or reinstating a tutor (issue #18): the reason is required and goes to the audit log. */
export const tutorStandingReasonBodySchema = z.strictObject({ reason: z.string().trim().min(3).max(500) });
/** Putting a tutor on probation (true) or taking them off it (false), with a reason. */
export const tutorProbationBodySchema = z.strictObject({ onProbation: z.boolean(), reason: z.string().trim().min(3).max(500) });
/** A tutor's standing as ops see it: approval, probation and when each last changed. */
export const tutorStandingSchema = z.object({
  tutorId: z.string(),
  approvalStatus: approvalStatusSchema,
  approvalChangedAt: z.string().nullable(),
  onProbation: z.boolean(),
  probationChangedAt: z.string().nullable(),
});
export type TutorStanding = z.infer<typeof tutorStandingSchema>;

/** How a guardian gave consent for a student under 13. */
export const consentMethods = ['paper_form', 'video_call', 'email_reply', 'in_person', 'other'] as const;
export const consentMethodSchema = z.enum(consentMethods);
export type ConsentMethod = z.infer<typeof consentMethodSchema>;

/** An admin records a guardian's consent: who gave it, how, and the evidence kept (all required). */
export const guardianConsentBodySchema = z
  .strictObject({
    guardianName: z.string().trim().min(2, 'must name the guardian').max(120),
    /** The guardian's relationship to the student: mother, father, legal guardian, … */
    relationship: z.string().trim().min(2, 'must say how the guardian is related to the student').max(60),
    /** How to reach the guardian again: an email or a phone number. */
    contact: z.string().trim().min(3, 'must be an email or a phone number').max(254),
    method: consentMethodSchema,
    /** Required when the method is 'other': how consent was given. */
    methodOther: z.string().trim().min(2).max(200).optional(),
    /** The evidence kept: a form's reference, a message id, a note of the call. */
    evidence: z.string().trim().min(3, 'must say what evidence of consent is kept').max(2000),
  })
  .superRefine((b, ctx) => {
    if (b.method === 'other' && !b.methodOther) ctx.addIssue({ code: 'custom', path: ['methodOther'], message: 'must say how consent was given' });
    if (b.method !== 'other' && b.methodOther !== undefined) ctx.addIssue({ code: 'custom', path: ['methodOther'], message: "is only for the method 'other'" });
  });
export type GuardianConsentBody = z.infer<typeof guardianConsentBodySchema>;

/** A recorded consent, as the admin sees it. */
export const guardianConsentSchema = z.object({
  id: z.string(),
  guardianName: z.string(),
  relationship: z.string(),
  contact: z.string(),
  method: consentMethodSchema,
  methodOther: z.string().nullable(),
  evidence: z.string(),
  recordedBy: z.object({ id: z.string(), displayName: z.string() }),
  recordedAt: z.string(),
});
export type GuardianConsent = z.infer<typeof guardianConsentSchema>;

export const adminUserSchema = z.object({
  id: z.string(),
  role: roleSchema,
  email: z.string(),
  displayName: z.string(),
  createdAt: z.string(),
  approvalStatus: approvalStatusSchema.nullable(),
  /** Students under 18: their age rules; null otherwise. */
  minor: minorStatusSchema.nullable(),
  /** The latest guardian consent recorded for the student, with its evidence; null when none. */
  guardianConsent: guardianConsentSchema.nullable(),
  /** 'school': the account was made by a school's LMS launch (LTI), and the school is the consent basis for a minor. */
  consentBasis: z.enum(['school']).nullable(),
});
export type AdminUser = z.infer<typeof adminUserSchema>;

export const adminUserListQuerySchema = z.strictObject({
  role: roleSchema.optional(),
  approvalStatus: approvalStatusSchema.optional(),
  /** Students under 13 still waiting for consent ('needed'), or those with a consent recorded ('recorded'). */
  consent: z.enum(['needed', 'recorded']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});


/**
 * Who may call a route: anyone, any logged-in user, or callers with one of these account roles or staff roles.
 * A list naming a staff role makes the route a staff route; a list naming none declares that it is not one.
 */
export type Access = 'public' | 'user' | readonly (Exclude<Role, 'admin'> | StaffRole)[];

export const staffGrantBodySchema = z.strictObject({
  role: staffRoleSchema,
  reason: z.string().trim().min(3).max(500),
});
export type StaffGrantBody = z.infer<typeof staffGrantBodySchema>;

export const staffMemberSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  staffRoles: z.array(staffRoleSchema),
});
export type StaffMember = z.infer<typeof staffMemberSchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorRole: z.string(),
  action: z.string(),
  objectType: z.string(),
  objectId: z.string(),
  reason: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditQuerySchema = z.strictObject({
  actorId: z.uuid().optional(),
  objectType: z.string().max(50).optional(),
  objectId: z.string().max(100).optional(),
  action: z.string().max(80).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
