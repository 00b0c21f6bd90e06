import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useT } from '../i18n';
import { describeFieldError } from '../lib/form-errors';

interface FieldFrameProps {
  id: string;
  label: string;
  /** Shown after the label, outside it, so `getByLabel(label)` still matches exactly. */
  optional?: boolean;
  hint?: ReactNode;
  error?: string | undefined;
  children: ReactNode;
}

function FieldFrame({ id, label, optional, hint, error, children }: FieldFrameProps) {
  const t = useT();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <div className="field-label-row">
        <label htmlFor={id}>{label}</label>
        {optional && <span className="field-optional">{t('field.optional')}</span>}
      </div>
      {children}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {describeFieldError(label, error)}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, hint: ReactNode, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

interface CommonProps {
  label: string;
  optional?: boolean;
  hint?: ReactNode;
  error?: string | undefined;
}

export function TextField({ label, optional, hint, error, id: givenId, ...input }: CommonProps & InputHTMLAttributes<HTMLInputElement>) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <FieldFrame id={id} label={label} optional={optional} hint={hint} error={error}>
      <input
        {...input}
        id={id}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      />
    </FieldFrame>
  );
}

export function SelectField({ label, optional, hint, error, id: givenId, children, ...select }: CommonProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <FieldFrame id={id} label={label} optional={optional} hint={hint} error={error}>
      <select
        {...select}
        id={id}
        className="input select"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

export function TextAreaField({ label, optional, hint, error, id: givenId, ...textarea }: CommonProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <FieldFrame id={id} label={label} optional={optional} hint={hint} error={error}>
      <textarea
        {...textarea}
        id={id}
        className="input textarea"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      />
    </FieldFrame>
  );
}
