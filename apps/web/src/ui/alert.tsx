import type { ReactNode } from 'react';

interface AlertProps {
  tone?: 'error' | 'warning' | 'info' | 'success';
  title?: ReactNode;
  children?: ReactNode;
  testId?: string;
  /** The title's element: a page that is only this alert makes it its main heading (h1). */
  titleAs?: 'p' | 'h1' | 'h2';
}

/** Errors and warnings are announced at once (role=alert); info and success politely (role=status). */
export function Alert({ tone = 'error', title, children, testId, titleAs: Title = 'p' }: AlertProps) {
  const role = tone === 'error' || tone === 'warning' ? 'alert' : 'status';
  return (
    <div className={`alert alert-${tone}`} role={role} data-testid={testId}>
      {title && <Title className="alert-title">{title}</Title>}
      {children && <div className="alert-body">{children}</div>}
    </div>
  );
}
