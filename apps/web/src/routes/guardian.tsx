import { type FormEvent, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { RequireRole, useMe } from '../features/auth';
import { ChildCard, inviteTokenFromHash, useAcceptInvite, useChildren, useGuardianSignUp, useInvite } from '../features/guardians';
import { errorMessage } from '../lib/api';
import { usePageTitle } from '../lib/page-title';
import { detectTimeZone } from '../lib/time-zones';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { TextField } from '../ui/field';
import { PageError, PageLoading } from '../ui/page-states';
import '../features/guardians/guardians.css';

const TOKEN_KEY = 'tl-guardian-invite';

/** The page a guardian's link opens (/guardian/invite#token): who asked, then an account and the link taken up. */
export function GuardianInvitePage() {
  usePageTitle('Guardian consent');
  const location = useLocation();
  const navigate = useNavigate();
  const token = useMemo(() => {
    const fromHash = inviteTokenFromHash(location.hash);
    if (fromHash) sessionStorage.setItem(TOKEN_KEY, fromHash);
    return fromHash || inviteTokenFromHash(sessionStorage.getItem(TOKEN_KEY) ?? '');
  }, [location.hash]);
  const invite = useInvite(token);
  const me = useMe();
  const accept = useAcceptInvite(token);
  const signUp = useGuardianSignUp(token);
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const done = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    void navigate('/guardian', { replace: true });
  };

  if (!token) return <PageError error={new Error('This link is incomplete. Open it again from the message you received.')} />;
  if (invite.isPending || me.isPending) return <PageLoading label="Opening the link…" />;
  if (invite.isError) return <PageError error={invite.error} />;
  const v = invite.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signUp.mutate({ displayName: displayName.trim(), email: email.trim(), password, timeZone: detectTimeZone() }, { onSuccess: done });
  };
  return (
    <section className="page page-narrow" aria-labelledby="invite-title" data-testid="guardian-invite">
      <div className="card">
        <h1 id="invite-title">{v.childName} asked you to be their guardian</h1>
        <p>
          Tutorline connects students with tutors for homework help and live video lessons. Before {v.childName} can ask tutors, book lessons or join calls, a parent or guardian needs to
          agree. You will confirm with a code sent to your WhatsApp and sign this declaration:
        </p>
        <blockquote className="guardian-declaration">{v.declarationText}</blockquote>
        {v.expired ? (
          <Alert>This link has expired. Ask {v.childName} to send a new one from their settings.</Alert>
        ) : me.data?.role === 'guardian' ? (
          <>
            {accept.isError && <Alert>{errorMessage(accept.error)}</Alert>}
            <Button pending={accept.isPending} pendingLabel="Linking…" onClick={() => accept.mutate(undefined, { onSuccess: done })}>
              Continue as {me.data.displayName}
            </Button>
          </>
        ) : me.data ? (
          <Alert tone="warning">You are logged in as a {me.data.role}. Log out, then open the link again to continue as a guardian.</Alert>
        ) : (
          <form className="form" onSubmit={submit} noValidate>
            <h2>Create your guardian account</h2>
            <TextField label="Your name" autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
            <TextField label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
            <TextField label="Password" type="password" autoComplete="new-password" value={password} hint="At least 10 characters; a few unrelated words work well." onChange={(e) => setPassword(e.target.value)} />
            {signUp.isError && <Alert>{errorMessage(signUp.error)}</Alert>}
            <Button type="submit" pending={signUp.isPending} pendingLabel="Creating…" block>
              Create account and continue
            </Button>
            <p className="muted">
              Already a guardian on Tutorline? <Link to="/login" state={{ from: '/guardian/invite' }}>Log in</Link> and open this link again.
            </p>
          </form>
        )}
      </div>
    </section>
  );
}

/** The guardian's home: each child, their consent, sessions and limits. */
export function GuardianHomePage() {
  return <RequireRole role="guardian">{() => <Children />}</RequireRole>;
}

function Children() {
  usePageTitle('My children');
  // Back from the card check's payment page: the list is read again until billing has settled it.
  const waitingFor = new URLSearchParams(useLocation().search).get('cardCheck');
  const children = useChildren(waitingFor);
  return (
    <section className="page page-narrow" aria-labelledby="children-title" data-testid="guardian-home">
      <h1 id="children-title">My children</h1>
      {children.isPending ? (
        <PageLoading label="Loading…" />
      ) : children.isError ? (
        <PageError error={children.error} onRetry={() => void children.refetch()} />
      ) : children.data.length === 0 ? (
        <p className="empty">No children linked yet. Open the link your child sent you to add them.</p>
      ) : (
        children.data.map((c) => <ChildCard key={c.id} child={c} />)
      )}
    </section>
  );
}
