interface ProgressBarProps {
  /** 0 to 1; null for "working, amount unknown". */
  value: number | null;
  label: string;
  tone?: 'primary' | 'success' | 'warning';
  testId?: string;
}

export function ProgressBar({ value, label, tone = 'primary', testId }: ProgressBarProps) {
  const percent = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className={`progress progress-${tone}${percent === null ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      data-testid={testId}
    >
      <span className="progress-fill" style={percent === null ? undefined : { width: `${percent}%` }} />
    </div>
  );
}
