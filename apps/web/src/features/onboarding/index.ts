export { useApplicationQueue, useMyApplication, useRemoveDocument, useReviewAction, useSaveApplication, useStaffApplication, useSubmitApplication, useUploadDocument, type ReviewAction } from './use-onboarding';
export { documentKindWords, staffStatusWords, tutorStatusWords } from './words';
