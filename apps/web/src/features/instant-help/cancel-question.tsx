import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { useCancelQuestion } from './question-queries';
import './question.css';

/** Cancel, with a second step: one stray tap on a phone must not throw away a question tutors are being asked about. */
export function CancelQuestionButton({ questionId, onCheckAgain }: { questionId: string; onCheckAgain(): void }) {
  const cancel = useCancelQuestion();
  const [confirming, setConfirming] = useState(false);
  const keepRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  // Focus follows the step: onto "Keep waiting" when asked, back onto Cancel when the student keeps waiting.
  useEffect(() => {
    if (confirming) keepRef.current?.focus();
    else if (asked.current) cancelRef.current?.focus();
  }, [confirming]);

  return (
    <>
      {cancel.isError && (
        <Alert tone="error" title="The question was not cancelled">
          <p>{errorMessage(cancel.error)}</p>
        </Alert>
      )}
      {confirming ? (
        <div className="cancel-confirm" role="group" aria-labelledby="cancel-confirm-title" data-testid="cancel-confirm">
          <p id="cancel-confirm-title" className="cancel-confirm-title">
            Cancel this question?
          </p>
          <p className="muted">Tutors will stop seeing it, and you will not be connected to anyone.</p>
          <div className="cancel-confirm-actions">
            <Button ref={keepRef} variant="secondary" data-testid="cancel-question-keep" onClick={() => setConfirming(false)}>
              Keep waiting
            </Button>
            <Button
              variant="danger"
              pending={cancel.isPending}
              pendingLabel="Cancelling…"
              data-testid="cancel-question-confirm"
              onClick={() => cancel.mutate({ id: questionId }, { onError: onCheckAgain, onSettled: () => setConfirming(false) })}
            >
              Yes, cancel it
            </Button>
          </div>
        </div>
      ) : (
        <Button
          ref={cancelRef}
          variant="danger"
          block
          data-testid="cancel-question"
          onClick={() => {
            asked.current = true;
            setConfirming(true);
          }}
        >
          Cancel question
        </Button>
      )}
    </>
  );
}
