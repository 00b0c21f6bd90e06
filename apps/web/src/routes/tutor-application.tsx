import type { Application, DocumentKind } from '@tutorline/contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { RequireRole } from '../features/auth';
import { documentKindWords, tutorStatusWords, useMyApplication, useRemoveDocument, useSaveApplication, useSubmitApplication, useUploadDocument } from '../features/onboarding';
import { levelLabel, useSubjects } from '../features/subjects';
import { errorMessage } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { SelectField, TextAreaField, TextField } from '../ui/field';
import { PageError, PageLoading } from '../ui/page-states';
import { ProgressBar } from '../ui/progress-bar';
import '../features/onboarding/onboarding.css';

/** A tutor's application to teach (#18): profile, subjects with a sample answer each, documents, status and what is missing. */
export function TutorApplicationPage() {
  return <RequireRole role="tutor">{() => <ApplicationView />}</RequireRole>;
}

type SubjectRow = { subjectId: string; level: string; sampleAnswer: string };

function ApplicationView() {
  usePageTitle('Your application');
  const application = useMyApplication();
  if (application.isPending) return <PageLoading label="Loading your application…" />;
  if (application.isError) return <PageError error={application.error} onRetry={() => void application.refetch()} />;
  // Remounted only when the status changes, so an upload never wipes text being typed.
  return <ApplicationForm key={application.data?.status ?? 'draft'} application={application.data} />;
}

function ApplicationForm({ application }: { application: Application | null }) {
  const subjects = useSubjects();
  const save = useSaveApplication();
  const submit = useSubmitApplication();
  const status = application?.status ?? 'draft';
  const editable = status === 'draft' || status === 'needs_info';
  const [bio, setBio] = useState(application?.bio ?? '');
  const [experience, setExperience] = useState(application?.experience ?? '');
  const [languages, setLanguages] = useState((application?.languages ?? []).join(', '));
  const [rows, setRows] = useState<SubjectRow[]>(application?.subjects.map((s) => ({ subjectId: s.subjectId, level: s.level, sampleAnswer: s.sampleAnswer })) ?? []);
  const [pick, setPick] = useState({ subjectId: '', level: '' });
  const words = tutorStatusWords[status];
  const levels = subjects.data?.find((s) => s.id === pick.subjectId)?.levels ?? [];
  const nameOf = (id: string) => subjects.data?.find((s) => s.id === id)?.name ?? id;

  const draft = () => ({
    bio,
    experience,
    languages: languages
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
    subjects: rows,
  });
  const onSave = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(draft());
  };
  const onSend = () => save.mutate(draft(), { onSuccess: () => submit.mutate() });
  const addSubject = () => {
    if (!pick.subjectId || !pick.level || rows.some((r) => r.subjectId === pick.subjectId && r.level === pick.level)) return;
    setRows([...rows, { ...pick, sampleAnswer: '' }]);
    setPick({ subjectId: '', level: '' });
  };

  return (
    <section className="page page-medium onboarding" data-testid="tutor-application" aria-labelledby="application-title">
      <p className="eyebrow">
        <Link to="/tutor">Home</Link>
      </p>
      <h1 id="application-title">Your application to teach</h1>

      <Alert tone={words.tone} title={words.title} testId="application-status">
        <p>{words.body}</p>
        {application?.infoRequest && <p data-testid="info-request">Our reviewer wrote: “{application.infoRequest}”</p>}
        {application?.decisionReason && status !== 'needs_info' && <p>Reason: {application.decisionReason}</p>}
        {application?.submittedAt && (
          <p className="muted">
            Sent <time dateTime={application.submittedAt}>{formatDateTime(application.submittedAt)}</time>
          </p>
        )}
      </Alert>

      {editable && (application?.missing.length ?? 0) > 0 && (
        <article className="card missing-card" data-testid="application-missing" aria-labelledby="missing-title">
          <h2 id="missing-title">Still missing</h2>
          <ul className="missing-list">
            {application!.missing.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </article>
      )}

      {!editable && application && (
        <article className="card" aria-labelledby="applied-title">
          <h2 id="applied-title">Subjects</h2>
          <ul className="decision-list" data-testid="application-subjects">
            {application.subjects.map((s) => (
              <li key={`${s.subjectId}|${s.level}`} className={`decision decision-${s.decision ?? 'pending'}`}>
                <span>
                  {s.subjectName} · {levelLabel(s.level)}
                </span>
                <span className="decision-word">{s.decision === 'approved' ? 'Approved' : s.decision === 'not_approved' ? 'Not approved' : 'Waiting'}</span>
              </li>
            ))}
          </ul>
        </article>
      )}

      {editable && (
        <form className="card stack" onSubmit={onSave} aria-labelledby="profile-title">
          <h2 id="profile-title">About you</h2>
          <TextAreaField label="Profile" hint="Who you are and how you teach; students read this." rows={4} value={bio} onChange={(e) => setBio(e.target.value)} maxLength={2000} />
          <TextAreaField label="Teaching experience" optional rows={3} value={experience} onChange={(e) => setExperience(e.target.value)} maxLength={2000} />
          <TextField label="Languages you teach in" hint="Separated by commas" value={languages} onChange={(e) => setLanguages(e.target.value)} />

          <h2>Subjects and levels</h2>
          <p className="muted">For each one, answer a typical student question in a few sentences, the way you would explain it.</p>
          {rows.map((r, i) => (
            <fieldset key={`${r.subjectId}|${r.level}`} className="subject-answer" data-testid="subject-answer">
              <legend>
                {nameOf(r.subjectId)} · {levelLabel(r.level)}
              </legend>
              <TextAreaField
                label={`Sample answer for ${nameOf(r.subjectId)}`}
                rows={4}
                value={r.sampleAnswer}
                maxLength={4000}
                onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, sampleAnswer: e.target.value } : x)))}
              />
              <Button variant="secondary" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                Remove {nameOf(r.subjectId)}
              </Button>
            </fieldset>
          ))}
          <div className="subject-pick">
            <SelectField label="Subject" value={pick.subjectId} onChange={(e) => setPick({ subjectId: e.target.value, level: '' })}>
              <option value="">Choose…</option>
              {subjects.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </SelectField>
            <SelectField label="Level" value={pick.level} disabled={!pick.subjectId} onChange={(e) => setPick({ ...pick, level: e.target.value })}>
              <option value="">Choose…</option>
              {levels.map((l) => (
                <option key={l} value={l}>
                  {levelLabel(l)}
                </option>
              ))}
            </SelectField>
            <Button variant="secondary" onClick={addSubject} disabled={!pick.subjectId || !pick.level}>
              Add subject
            </Button>
          </div>
          {save.isError && (
            <Alert tone="error" title="Not saved">
              <p>{errorMessage(save.error)}</p>
            </Alert>
          )}
          <Button type="submit" variant="secondary" pending={save.isPending && !submit.isPending} pendingLabel="Saving…">
            Save draft
          </Button>
        </form>
      )}

      {editable && (
        <article className="card stack" aria-labelledby="documents-title">
          <h2 id="documents-title">Documents</h2>
          <p className="muted">A photo or a PDF, up to 10 MB. Only you and our review team can open them.</p>
          {(['id_document', 'qualification'] as DocumentKind[]).map((kind) => (
            <DocumentSlot key={kind} kind={kind} application={application} />
          ))}
        </article>
      )}

      {editable && (
        <div className="card stack">
          {submit.isError && (
            <Alert tone="error" title="Not sent" testId="submit-error">
              <p>{errorMessage(submit.error)}</p>
            </Alert>
          )}
          <Button block onClick={onSend} pending={submit.isPending || (save.isPending && submit.isIdle)} pendingLabel="Sending…">
            {status === 'needs_info' ? 'Send my application again' : 'Send my application'}
          </Button>
        </div>
      )}
    </section>
  );
}

function DocumentSlot({ kind, application }: { kind: DocumentKind; application: Application | null }) {
  const upload = useUploadDocument();
  const remove = useRemoveDocument();
  const [progress, setProgress] = useState<number | null>(null);
  const docs = application?.documents.filter((d) => d.kind === kind) ?? [];
  useEffect(() => {
    if (!upload.isPending) setProgress(null);
  }, [upload.isPending]);
  const inputId = `doc-${kind}`;
  return (
    <div className="document-slot" data-testid={`slot-${kind}`}>
      <label htmlFor={inputId} className="document-label">
        {documentKindWords[kind]}
      </label>
      <ul className="document-list">
        {docs.map((d) => (
          <li key={d.id}>
            <a href={`/api/onboarding/documents/${d.id}`} target="_blank" rel="noreferrer">
              {d.fileName}
            </a>
            <span className="muted"> · {Math.max(1, Math.round(d.bytes / 1024))} KB</span>
            <Button variant="secondary" onClick={() => remove.mutate(d.id)} disabled={remove.isPending} aria-label={`Remove ${d.fileName}`}>
              Remove
            </Button>
          </li>
        ))}
      </ul>
      <input
        id={inputId}
        type="file"
        accept="image/jpeg,image/png,image/webp,application/pdf"
        disabled={upload.isPending}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) upload.mutate({ kind, file, onProgress: setProgress });
        }}
      />
      {upload.isPending && <ProgressBar value={progress} label={`Uploading ${documentKindWords[kind].toLowerCase()}`} />}
      {upload.isError && (
        <Alert tone="error" title="Not added" testId={`upload-error-${kind}`}>
          <p>{errorMessage(upload.error)}</p>
        </Alert>
      )}
    </div>
  );
}
