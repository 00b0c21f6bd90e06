import { z } from 'zod';
import { defineEvent } from '../../platform/events';
import { defineJob } from '../../platform/jobs';

/**
 * A tutor was suspended at `at` (issue #18). Scheduling cancels their future lessons, classes their future classes
 * (both with refunds through billing), help withdraws their open offers. Emitted from a durable job, so a listener
 * that fails makes the job retry; every listener acts only on what is still open, so a re-run changes nothing.
 */
export const TUTOR_SUSPENDED = defineEvent<{ tutorId: string; at: Date }>('identity.tutor_suspended');

/** The durable carrier of TUTOR_SUSPENDED, enqueued in the suspension's transaction. */
export const TUTOR_SUSPENDED_QUEUE = defineJob('identity.tutor_suspended', z.object({ tutorId: z.string(), at: z.iso.datetime() }));


/** A student signed up on the web and gave a guardian's contact (issue #20): the guardians module sends them a link. */
export const STUDENT_SIGNED_UP = defineEvent<{ studentId: string; guardianContact: string }>('identity.student_signed_up');
