export { createFakePayouts, type FakePayouts } from './fake';
export { createRazorpayXAdapter, mapRazorpayXStatus, type RazorpayXConfig } from './razorpayx';
export { createStripeConnectAdapter, mapStripeTransfer, type StripeConnectConfig } from './stripe-connect';
export { type AdapterPayoutStatus, type PayoutAdapter, PayoutRejected, type PayoutRequest, type PayoutResult, PayoutUnavailable } from './types';
export { type ConnectAccountObject, createRazorpayXAccounts, createStripeConnectAccounts, type FundAccountInput, type RazorpayXAccounts, readConnectAccount, type StripeConnectAccounts } from './accounts';
