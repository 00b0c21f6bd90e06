import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { useT } from '../../i18n';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { useCancelQuestion } from './question-queries';
import './question.css';

/** Cancel, with a second step: one stray tap on a phone must not throw away a question tutors are being asked about. */
export function CancelQuestionButton({ questionId, onCheckAgain }: { questionId: string; onCheckAgain(): void }) {
  const t = useT();
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
        <Alert tone="error" title={t('cancel.failed')}>
          <p>{errorMessage(cancel.error)}</p>
        </Alert>
      )}
      {confirming ? (
        <div className="cancel-confirm" role="group" aria-labelledby="cancel-confirm-title" data-testid="cancel-confirm">
          <p id="cancel-confirm-title" className="cancel-confirm-title">
            {t('cancel.confirmTitle')}
          </p>
          <p className="muted">{t('cancel.confirmText')}</p>
          <div className="cancel-confirm-actions">
            <Button ref={keepRef} variant="secondary" data-testid="cancel-question-keep" onClick={() => setConfirming(false)}>
              {t('cancel.keep')}
            </Button>
            <Button
              variant="danger"
              pending={cancel.isPending}
              pendingLabel={t('cancel.pending')}
              data-testid="cancel-question-confirm"
              onClick={() => cancel.mutate({ id: questionId }, { onError: onCheckAgain, onSettled: () => setConfirming(false) })}
            >
              {t('cancel.confirm')}
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
          {t('cancel.button')}
        </Button>
      )}
    </>
  );
}
