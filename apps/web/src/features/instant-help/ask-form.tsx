import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, errorMessage } from '../../lib/api';
import { T, useT } from '../../i18n';
import { formErrorsOf } from '../../lib/form-errors';
import { newRequestId } from '../../lib/request-id';
import { useFocusFirstInvalid } from '../../lib/use-focus-first-invalid';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextAreaField } from '../../ui/field';
import { ProgressBar } from '../../ui/progress-bar';
import { billingKeys, isBillingRefusal } from '../billing';
import { levelLabel, subjectLabel } from '../subjects';
import { NotYetTaught, useAnswerableSubjects } from './answerable-subjects';
import { AskCheckoutNotice } from './ask-checkout-notice';
import { AskCredits, plansLink } from './ask-credits';
import { PhotoPicker } from './photo-picker';
import { useAskQuestion } from './question-queries';
import { useAskDraft } from './use-ask-draft';
import { usePhotoUploads } from './use-photo-uploads';
import './ask.css';

const formFields = ['subjectId', 'level', 'text', 'photoIds'];

interface AskFormProps {
  /** The draft is kept per user. */
  userId: string;
  initialSubject?: string | null;
  initialLevel?: string | null;
  /** The LMS course the student came from (an "Instant help" link's ?course=, #16): the question is tagged with it. */
  initialCourse?: string | null;
  /** Back from the payment page: the checkout to follow (and whether the student cancelled it there). */
  checkoutId?: string | null;
  cancelled?: boolean;
}

export function AskForm({ userId, initialSubject, initialLevel, initialCourse, checkoutId, cancelled = false }: AskFormProps) {
  // Only what can be answered now: subjects and levels at least one approved tutor teaches.
  const t = useT();
  const subjects = useAnswerableSubjects();
  const uploads = usePhotoUploads();
  const ask = useAskQuestion();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  // One id for this question, kept across retries (and in the draft across paying), so a send that reached the
  // server but lost its answer is not asked twice.
  const [requestId, setRequestId] = useState(newRequestId);

  const [subjectId, setSubjectId] = useState(initialSubject ?? '');
  const [level, setLevel] = useState(initialLevel ?? '');
  const [text, setText] = useState('');
  // The course stays with the question while it is written, paid for and sent (the payment page returns without it).
  const [course, setCourse] = useState(initialCourse ?? '');
  // The question is kept on the device while it is written: paying for a plan (another site), a reload, or a later visit brings it back.
  const draft = useAskDraft(userId, { requestId, subjectId, level, text, photos: uploads.items, course }, (kept) => {
    setRequestId(kept.requestId);
    if (kept.course && !initialCourse) setCourse(kept.course);
    if (kept.subjectId) setSubjectId(kept.subjectId);
    if (kept.level) setLevel(kept.level);
    setText(kept.text);
    uploads.restore(kept.photos);
  });
  /** Photos the server no longer knew were sent again once already. */
  const uploadedAgain = useRef(false);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [attempt, setAttempt] = useState(0);
  /** Send was pressed while photos were still uploading: send as soon as they are done. */
  const [sendWhenReady, setSendWhenReady] = useState(false);

  const subject = subjects.data?.find((s) => s.id === subjectId) ?? null;
  const levels = subject?.levels ?? [];
  const canRetry = uploads.items.some((i) => i.status === 'error' && i.retryable);
  const failedPhotosMessage = t(canRetry ? 'ask.photosFailedRetry' : 'ask.photosFailed', { count: uploads.failedCount });
  // Checked live once Send was pressed, so the message goes away as soon as the photos are fixed.
  const photosError = !attempt ? undefined : uploads.items.length === 0 ? t('ask.addPhoto') : uploads.failedCount > 0 ? failedPhotosMessage : undefined;
  const server = formErrorsOf(ask.error, formFields);
  const errors: Record<string, string | undefined> = { ...server.fields, ...localErrors, ...(photosError ? { photoIds: photosError } : {}) };
  useFocusFirstInvalid(formRef, attempt, ask.error);

  // Forget a prefilled subject or level that the catalogue does not have.
  useEffect(() => {
    if (!subjects.data) return;
    if (subjectId && !subject) setSubjectId('');
    else if (level && subject && !subject.levels.includes(level)) setLevel('');
  }, [subjects.data, subject, subjectId, level]);

  const clearError = (field: string) => setLocalErrors(({ [field]: _cleared, ...rest }) => rest);

  const send = () => {
    ask.mutate(
      { requestId, subjectId, level, photoIds: uploads.photoIds, ...(text.trim() ? { text: text.trim() } : {}), ...(course ? { course } : {}) },
      {
        onSuccess: async (question) => {
          await draft.clear();
          void queryClient.invalidateQueries({ queryKey: billingKeys.me });
          void navigate(`/student/questions/${question.id}`, { replace: true });
        },
        onError: (error) => {
          // A kept photo's upload the server no longer takes: send the kept images again, then the question, once.
          if (!uploadedAgain.current && error instanceof ApiError && error.fields.some((f) => f.path.endsWith('photoIds'))) {
            uploadedAgain.current = true;
            uploads.uploadAgain();
            setSendWhenReady(true);
          }
        },
      },
    );
  };

  // `send` reads the latest form; only the upload counts decide when it runs.
  const sendOnceReady = useEffectEvent(() => {
    setSendWhenReady(false);
    if (uploads.failedCount === 0 && uploads.photoIds.length > 0) send();
    else setAttempt((n) => n + 1);
  });
  useEffect(() => {
    if (sendWhenReady && uploads.pendingCount === 0) sendOnceReady();
  }, [sendWhenReady, uploads.pendingCount]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (ask.isPending || sendWhenReady) return;
    const local: Record<string, string> = {};
    if (!subjectId) local.subjectId = t('field.required');
    if (!level) local.level = t('field.required');
    setLocalErrors(local);
    setAttempt((n) => n + 1);
    if (Object.keys(local).length > 0 || uploads.items.length === 0 || uploads.failedCount > 0) return;
    if (uploads.pendingCount > 0) setSendWhenReady(true);
    else send();
  };

  const waitingForPhotos = sendWhenReady && uploads.pendingCount > 0;
  const consent = ask.error instanceof ApiError && ask.error.code === 'consent_required' ? ask.error : null;
  const billingRefusal = !consent && isBillingRefusal(ask.error) ? ask.error : null;

  const startAgain = () => {
    void draft.clear();
    uploads.clearAll();
    setSubjectId('');
    setLevel('');
    setText('');
    setRequestId(newRequestId());
    setAttempt(0);
    ask.reset();
  };

  return (
    <form ref={formRef} className="form" onSubmit={onSubmit} noValidate aria-labelledby="ask-title" data-testid="ask-form" data-draft={draft.ready ? (draft.restored ? 'restored' : 'new') : 'loading'}>
      {checkoutId ? <AskCheckoutNotice checkoutId={checkoutId} cancelled={cancelled} /> : <AskCredits />}
      {course && (
        <p className="muted" data-testid="ask-course">
          {t('ask.fromCourse')}
        </p>
      )}
      {draft.restored && !checkoutId && (
        <p className="ask-draft-note" data-testid="ask-draft-restored">
          <T id="ask.draftKept" components={{ 0: <button type="button" className="link-button" onClick={startAgain} /> }} />
        </p>
      )}
      <PhotoPicker uploads={uploads} error={errors.photoIds} />

      {subjects.isError && (
        <Alert tone="error" title={t('ask.subjectsFailed')}>
          <p>{errorMessage(subjects.error)}</p>
          <Button variant="secondary" onClick={() => void subjects.refetch()}>
            {t('common.tryAgain')}
          </Button>
        </Alert>
      )}
      <SelectField
        label={t('ask.subject')}
        value={subjectId}
        error={errors.subjectId}
        disabled={!subjects.data}
        data-testid="ask-subject"
        onChange={(e) => {
          const next = subjects.data?.find((s) => s.id === e.target.value);
          setSubjectId(e.target.value);
          clearError('subjectId');
          clearError('level');
          // Keep the level if the new subject has it; pick the only one if there is just one.
          setLevel((current) => (next?.levels.includes(current) ? current : next?.levels.length === 1 ? next.levels[0]! : ''));
        }}
      >
        <option value="">{subjects.isPending ? t('ask.loadingSubjects') : t('ask.chooseSubject')}</option>
        {subjects.data?.map((s) => (
          <option key={s.id} value={s.id}>
            {subjectLabel(s)}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('ask.level')}
        value={level}
        error={errors.level}
        disabled={!subject}
        data-testid="ask-level"
        onChange={(e) => {
          setLevel(e.target.value);
          clearError('level');
        }}
      >
        <option value="">{subject ? t('ask.chooseLevel') : t('ask.chooseSubjectFirst')}</option>
        {levels.map((l) => (
          <option key={l} value={l}>
            {levelLabel(l)}
          </option>
        ))}
      </SelectField>
      <NotYetTaught wanted={initialSubject && initialLevel ? { subjectId: initialSubject, level: initialLevel } : null} />
      <TextAreaField
        label={t('ask.note')}
        optional
        value={text}
        maxLength={2000}
        rows={3}
        hint={t('ask.noteHint')}
        error={errors.text}
        data-testid="ask-text"
        onChange={(e) => setText(e.target.value)}
      />

      {consent && (
        <Alert tone="warning" title={t('consent.title')} testId="consent-required">
          <p>{consent.message}</p>
        </Alert>
      )}
      {billingRefusal && (
        <Alert tone="warning" title={t('ask.needPlan')} testId="billing-required">
          <p>{billingRefusal.message}</p>
          <p>{t('ask.keptWhilePaying')}</p>
          <Link to={plansLink} data-testid="billing-required-link">
            {t('ask.seePlans')}
          </Link>
        </Alert>
      )}
      {!consent && !billingRefusal && server.summary && (
        <Alert tone="error" title={t('ask.notSent')}>
          <p>{server.summary}</p>
        </Alert>
      )}

      <div className="send-box">
        {waitingForPhotos && <ProgressBar value={uploads.overallProgress} label={t('ask.uploadingPhotos')} testId="ask-progress" />}
        <Button
          type="submit"
          block
          className="btn-large"
          pending={waitingForPhotos || ask.isPending}
          pendingLabel={waitingForPhotos ? t('ask.uploadingPercent', { percent: uploads.overallProgress }) : t('ask.sending')}
          data-testid="ask-submit"
        >
          {t('ask.send')}
        </Button>
        {(waitingForPhotos || ask.isPending) && (
          <p className="muted send-note" role="status">
            {waitingForPhotos ? t('ask.sendWhenUp') : t('ask.finding')}
          </p>
        )}
        {waitingForPhotos && (
          <Button variant="ghost" block onClick={() => setSendWhenReady(false)}>
            {t('ask.dontSend')}
          </Button>
        )}
      </div>
    </form>
  );
}
