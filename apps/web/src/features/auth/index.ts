export { RequireRole } from './require-role';
export { landingPathFor, roleHome, roleName } from './roles';
export { useLogIn } from './use-log-in';
export { useLogOut } from './use-log-out';
export { meQueryKey, prefetchMe, useMe } from './use-me';
export { useSignUp } from './use-sign-up';
