import { logInBodySchema } from '@tutorline/contracts';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { landingPathFor, roleHome, useLogIn, useLogOut, useMe } from '../features/auth';
import { T, useT } from '../i18n';
import { formErrorsOf } from '../lib/form-errors';
import { usePageTitle } from '../lib/page-title';
import { useFocusFirstInvalid } from '../lib/use-focus-first-invalid';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { TextField } from '../ui/field';

const formFields = ['email', 'password'];

/** The form checked with the server's own schema, so a mistyped email shows before a submit, in the server's words. */
function logInFieldErrors(email: string, password: string): Record<string, string> {
  const parsed = logInBodySchema.safeParse({ email, password });
  const errors: Record<string, string> = {};
  for (const issue of parsed.error?.issues ?? []) {
    const field = String(issue.path[0] ?? '');
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

export function LoginPage() {
  const t = useT();
  usePageTitle(t('login.title'));
  const me = useMe();
  const logIn = useLogIn();
  const logOut = useLogOut();
  const navigate = useNavigate();
  const location = useLocation();
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [attempt, setAttempt] = useState(0);

  const local = logInFieldErrors(email, password);
  const shown = Object.fromEntries(Object.entries(local).filter(([field]) => submitted || touched.has(field)));
  const server = formErrorsOf(logIn.error, formFields);
  const errors: Record<string, string | undefined> = { ...server.fields, ...shown };
  useFocusFirstInvalid(formRef, attempt, logIn.error);
  const leave = (field: string) => () => setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setAttempt((n) => n + 1);
    if (Object.keys(local).length > 0) return;
    const from: unknown = (location.state as { from?: unknown } | null)?.from;
    // An LTI account link (#16) sends people here with ?next=/lti/link?token=…: a server page, so a full navigation.
    const next = new URLSearchParams(location.search).get('next');
    const toLtiLink = next !== null && next.startsWith('/lti/link?') ? next : null;
    logIn.mutate(
      { email: email.trim(), password },
      { onSuccess: (user) => (toLtiLink ? window.location.assign(toLtiLink) : void navigate(landingPathFor(user.role, from), { replace: true })) },
    );
  };

  const signedIn = me.data && !logIn.isSuccess ? me.data : null;

  return (
    <section className="page page-narrow" aria-labelledby="login-title">
      <div className="card">
        <div className="card-intro">
          <h1 id="login-title">{t('login.title')}</h1>
          <p className="muted">{t('login.welcome')}</p>
        </div>
        {signedIn && (
          <Alert tone="info" title={t('login.alreadyIn', { name: signedIn.displayName })}>
            <p>
              <T
                id="login.notYou"
                components={{
                  0: <Link to={roleHome(signedIn.role)} />,
                  1: <button type="button" className="link-button" onClick={() => logOut.mutate()} disabled={logOut.isPending} />,
                }}
              />
            </p>
          </Alert>
        )}
        <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
          <TextField
            label={t('field.email')}
            type="email"
            autoComplete="email"
            inputMode="email"
            autoCapitalize="none"
            spellCheck={false}
            value={email}
            error={errors.email}
            onBlur={leave('email')}
            onChange={(e) => setEmail(e.target.value)}
          />
          <TextField
            label={t('field.password')}
            type="password"
            autoComplete="current-password"
            value={password}
            error={errors.password}
            onBlur={leave('password')}
            onChange={(e) => setPassword(e.target.value)}
          />
          {server.summary && <Alert tone="error">{server.summary}</Alert>}
          <Button type="submit" block pending={logIn.isPending} pendingLabel={t('login.pending')}>
            {t('login.submit')}
          </Button>
        </form>
        <p className="form-footer">
          <T id="login.newHere" components={{ 0: <Link to="/signup" /> }} />
        </p>
      </div>
    </section>
  );
}
