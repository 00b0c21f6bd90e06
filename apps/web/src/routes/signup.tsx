import type { SignUpBody, UiLanguage } from '@tutorline/contracts';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { roleHome, useSignUp } from '../features/auth';
import { loadPasswordChecker, type PasswordChecker, type SignUpForm, signUpBody, signUpFieldErrors } from '../features/auth/sign-up-validation';
import { currentLanguage, LanguageSelect, switchLanguage, T, useT } from '../i18n';
import { formErrorsOf } from '../lib/form-errors';
import { regionName } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { detectTimeZone } from '../lib/time-zones';
import { TimeZoneOptions } from '../ui/time-zone-options';
import { useFocusFirstInvalid } from '../lib/use-focus-first-invalid';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { SelectField, TextField } from '../ui/field';

type SignUpRole = SignUpBody['role'];

const formFields = ['role', 'displayName', 'email', 'password', 'phone', 'birthDate', 'guardianContact', 'timeZone', 'country'];

/** Countries offered on the form (the consent age follows the country: 18 in India, 13 to 16 in the EU, else 13); named by Intl. */
const countries = ['IN', 'US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'IE'];

function localIsoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Whole years from a YYYY-MM-DD birth date to `today`; null when the date is incomplete or in the future. */
function ageOn(birthDate: string, today: Date): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  let age = today.getFullYear() - y;
  if (today.getMonth() + 1 < m || (today.getMonth() + 1 === m && today.getDate() < d)) age -= 1;
  return age >= 0 ? age : null;
}

export function SignUpPage() {
  const t = useT();
  usePageTitle(t('signup.pageTitle'));
  const signUp = useSignUp();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const detectedZone = useMemo(detectTimeZone, []);
  const today = useMemo(() => new Date(), []);

  const [role, setRole] = useState<SignUpRole>('student');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [phone, setPhone] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [guardianContact, setGuardianContact] = useState('');
  const [timeZone, setTimeZone] = useState(detectedZone);
  const [country, setCountry] = useState('');
  // The interface switches as soon as a language is picked, so the rest of the form is read in it; the account keeps it.
  const [language, setLanguage] = useState<UiLanguage>(currentLanguage);
  const chooseLanguage = (next: UiLanguage) => {
    setLanguage(next);
    void switchLanguage(next);
  };
  // Fields the user has left (or every field, after a submit): their mistakes show inline from then on, checked with
  // the server's own schema and password rule (features/auth/sign-up-validation.ts), before anything is sent.
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [checkPassword, setCheckPassword] = useState<PasswordChecker | null>(null);
  const [attempt, setAttempt] = useState(0);

  const age = role === 'student' ? ageOn(birthDate, today) : null;
  const isMinor = age !== null && age < 18;
  const form: SignUpForm = {
    role,
    displayName,
    email,
    password,
    phone,
    birthDate,
    guardianContact,
    // Students get the browser's zone silently; tutors choose theirs, since their availability is set in it.
    timeZone: role === 'tutor' ? timeZone : detectedZone,
    needsGuardian: role === 'student' && isMinor,
    country: role === 'student' ? country : '',
  };
  // Recomputed only when something it reads changes: the password check costs a few milliseconds.
  const clientErrors = useMemo(() => signUpFieldErrors(form, checkPassword ?? undefined), [role, displayName, email, password, phone, birthDate, guardianContact, timeZone, country, isMinor, checkPassword]);
  const shown = Object.fromEntries(Object.entries(clientErrors).filter(([field]) => submitted || touched.has(field)));

  const server = formErrorsOf(signUp.error, formFields, { email_taken: 'email', phone_taken: 'phone' });
  const errors: Record<string, string | undefined> = { ...server.fields, ...shown };
  useFocusFirstInvalid(formRef, attempt, signUp.error);

  const showGuardian = role === 'student' && (isMinor || Boolean(errors.guardianContact));
  const leave = (field: string) => () => setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));
  // The estimator (zxcvbn and its dictionaries) is loaded only when a password is being chosen.
  const loadChecker = () =>
    loadPasswordChecker().then(
      (check) => setCheckPassword(() => check),
      () => undefined,
    );

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setAttempt((n) => n + 1);
    // Not waiting for the estimator if it is still loading (a slow network): the server applies the same rule.
    if (Object.keys(clientErrors).length > 0) return;
    const body: SignUpBody = { ...signUpBody(form), language };
    signUp.mutate(body, { onSuccess: (user) => void navigate(roleHome(user.role), { replace: true }) });
  };

  return (
    <section className="page page-narrow" aria-labelledby="signup-title">
      <div className="card">
        <div className="card-intro">
          <h1 id="signup-title">{t('signup.title')}</h1>
          <p className="muted">{t('signup.lead')}</p>
        </div>
        <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
          <div className="field">
            <div className="field-label-row">
              <label htmlFor="signup-language">{t('signup.language')}</label>
            </div>
            <LanguageSelect id="signup-language" className="input select" onChoose={chooseLanguage} />
          </div>
          <fieldset className="fieldset">
            <legend>{t('signup.joinAs')}</legend>
            <div className="choices">
              <RoleChoice value="student" current={role} onPick={setRole} label={t('role.student')} detail={t('signup.studentDetail')} />
              <RoleChoice value="tutor" current={role} onPick={setRole} label={t('role.tutor')} detail={t('signup.tutorDetail')} />
            </div>
            {errors.role && <p className="field-error">{t('signup.roleError', { reason: errors.role })}</p>}
          </fieldset>

          <TextField
            label={t('signup.displayName')}
            autoComplete="name"
            maxLength={80}
            value={displayName}
            hint={t('signup.displayNameHint')}
            error={errors.displayName}
            onBlur={leave('displayName')}
            onChange={(e) => setDisplayName(e.target.value)}
          />
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
            autoComplete="new-password"
            value={password}
            hint={t('signup.passwordHint')}
            error={errors.password}
            onFocus={() => void loadChecker()}
            onBlur={leave('password')}
            onChange={(e) => setPassword(e.target.value)}
          />
          <TextField
            label={t('signup.phone')}
            optional
            type="tel"
            autoComplete="tel"
            inputMode="tel"
            value={phone}
            hint={t('signup.phoneHint')}
            error={errors.phone}
            onBlur={leave('phone')}
            onChange={(e) => setPhone(e.target.value)}
          />

          {role === 'student' && (
            <TextField
              label={t('signup.birthDate')}
              type="date"
              min="1900-01-01"
              max={localIsoDate(today)}
              value={birthDate}
              hint={t('signup.birthDateHint')}
              error={errors.birthDate}
              onBlur={leave('birthDate')}
              onChange={(e) => setBirthDate(e.target.value)}
            />
          )}
          {role === 'student' && (
            <SelectField label={t('signup.country')} value={country} hint={t('signup.countryHint')} error={errors.country} onChange={(e) => setCountry(e.target.value)}>
              <option value="">{t('signup.otherCountry')}</option>
              {countries.map((code) => (
                <option key={code} value={code}>
                  {regionName(code)}
                </option>
              ))}
            </SelectField>
          )}
          {showGuardian && (
            <TextField
              label={t('signup.guardian')}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              value={guardianContact}
              hint={
                age !== null && (age < 13 || country === 'IN')
                  ? t('signup.guardianHintConsent')
                  : t('signup.guardianHint')
              }
              error={errors.guardianContact}
              onBlur={leave('guardianContact')}
              onChange={(e) => setGuardianContact(e.target.value)}
            />
          )}
          {role === 'tutor' && (
            <SelectField
              label={t('signup.timeZone')}
              value={timeZone}
              hint={t('signup.timeZoneHint')}
              error={errors.timeZone}
              onChange={(e) => setTimeZone(e.target.value)}
            >
              <TimeZoneOptions current={detectedZone} />
            </SelectField>
          )}

          {server.summary && <Alert tone="error">{server.summary}</Alert>}
          <Button type="submit" block pending={signUp.isPending} pendingLabel={t('signup.pending')}>
            {t('signup.submit')}
          </Button>
        </form>
        <p className="form-footer">
          <T id="signup.haveAccount" components={{ 0: <Link to="/login" /> }} />
        </p>
      </div>
    </section>
  );
}

interface RoleChoiceProps {
  value: SignUpRole;
  current: SignUpRole;
  onPick(role: SignUpRole): void;
  label: string;
  detail: string;
}

function RoleChoice({ value, current, onPick, label, detail }: RoleChoiceProps) {
  const id = `role-${value}`;
  return (
    <div className={`choice${current === value ? ' choice-selected' : ''}`}>
      <input
        type="radio"
        name="role"
        id={id}
        value={value}
        checked={current === value}
        onChange={() => onPick(value)}
        aria-describedby={`${id}-detail`}
      />
      {/* The label holds only the role name (so getByLabel('Student') matches it exactly) and stretches over the card. */}
      <label htmlFor={id}>{label}</label>
      <span className="choice-detail" id={`${id}-detail`}>
        {detail}
      </span>
    </div>
  );
}
