import { useLayoutEffect, useRef } from 'react';
import { Button } from '../../ui/button';
import './room.css';

/** "Leave the call?" before Back (or a link) takes the user out of a live call. A modal dialog: Escape means stay. */
export function LeaveCallDialog({ otherName, onStay, onLeave }: { otherName: string; onStay(): void; onLeave(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="leave-call-title"
      aria-describedby="leave-call-text"
      data-testid="leave-call-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onStay();
      }}
    >
      <h2 id="leave-call-title">Leave the call?</h2>
      <p id="leave-call-text">You are in a call with {otherName}. The session stays open, so you can come back to it.</p>
      <div className="dialog-actions">
        <Button variant="secondary" onClick={onStay} data-testid="leave-call-stay" autoFocus>
          Stay in the call
        </Button>
        <Button variant="danger" onClick={onLeave} data-testid="leave-call-confirm">
          Leave
        </Button>
      </div>
    </dialog>
  );
}
