import type { ReactNode } from 'react';

interface AlertProps {
  tone?: 'error' | 'warning' | 'info' | 'success';
  title?: ReactNode;
  children?: ReactNode;
  testId?: string;
}

/** Errors and warnings are announced at once (role=alert); info and success politely (role=status). */
export function Alert({ tone = 'error', title, children, testId }: AlertProps) {
  const role = tone === 'error' || tone === 'warning' ? 'alert' : 'status';
  return (
    <div className={`alert alert-${tone}`} role={role} data-testid={testId}>
      {title && <p className="alert-title">{title}</p>}
      {children && <div className="alert-body">{children}</div>}
    </div>
  );
}
