import { defineEvent } from '../../platform/events';
import type { EntitlementGranted } from './entitlements/entitlements.events';

/** A student can now ask (a credit pack or plan paid, a plan live again): emitted from a durable job after the commit. */
export const ENTITLEMENT_GRANTED = defineEvent<EntitlementGranted>('billing.entitlement_granted');
