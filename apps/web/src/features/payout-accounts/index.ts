export { PayoutAccountSection, PayoutStatusBadge } from './payout-account-section';
export { TutorPayoutsTable } from './tutor-payouts-table';
