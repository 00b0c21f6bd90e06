import './safety.css';

/**
 * The room's quiet notice that a session with a student under 18 may be reviewed for safety (#20). The server's
 * words; a status, so screen readers read it once when the room opens, without interrupting.
 */
export function ReviewNotice({ text }: { text: string }) {
  return (
    <p className="review-notice" role="status" data-testid="review-notice">
      <svg className="review-notice-icon" width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true" focusable="false">
        <path d="M12 3l7 3v6c0 4-3 7.5-7 9-4-1.5-7-5-7-9V6z" />
      </svg>
      <span>{text}</span>
    </p>
  );
}
