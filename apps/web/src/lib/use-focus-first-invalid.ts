import { useEffect, type RefObject } from 'react';

/**
 * After a failed submit (a new `attempt` caught by local checks, or a new `serverError`), moves focus to the
 * first invalid field so keyboard and screen-reader users land on the problem.
 */
export function useFocusFirstInvalid(formRef: RefObject<HTMLFormElement | null>, attempt: number, serverError: unknown): void {
  useEffect(() => {
    if (!attempt && !serverError) return;
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    invalid?.focus();
  }, [formRef, attempt, serverError]);
}
