import { defineEvent } from '../../platform/events';

/** A /check report was stored: the ops dashboard refreshes its "/check by network" tile (#18). */
export const CHECK_REPORTED = defineEvent<{ id: string; overall: string }>('connectivity.check_reported');
