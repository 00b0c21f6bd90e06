export { inviteTokenFromHash, useAcceptInvite, useChildren, useConsent, useGuardianSignUp, useInvite, useRevoke, useSendCode, useSetControls, useStartCardCheck } from './use-guardians';
export { ChildCard } from './child-card';
