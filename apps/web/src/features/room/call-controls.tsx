import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { GalleryIcon, HelpIcon, MoreIcon } from '../../ui/icons';
import { AudioOnlyIcon, DataSaverIcon, EndCallIcon, FlagIcon, FlipCameraIcon, LeaveIcon, MicIcon, ScreenIcon, VideoIcon } from './call/call-icons';
import type { PeerCall } from './call/peer-call';
import type { CallSnapshot } from './call/types';
import { chooseReducedMotion, useReducedMotion } from './reduced-motion';
import './call-controls.css';

export interface ControlsProps {
  call: PeerCall;
  snapshot: CallSnapshot;
  onLeave(): void;
  onEnd?: (() => void) | undefined;
  /** Opens the question's photo (the room's Question pane); without it there is no such item. */
  onShowQuestion?: (() => void) | undefined;
  /** Opens "Report a problem" (#18); without it there is no such item. */
  onReportProblem?: (() => void) | undefined;
  /** Opens "Report {name}" (safety, #20), named by `label`; without it there is no such item. */
  reportPerson?: { label: string; onSelect(): void } | undefined;
  /** The connection details (the quality chip's panel) are open. */
  detailsOpen: boolean;
  onToggleDetails(): void;
}

/**
 * The call's controls, compact so a phone keeps most of its screen for the board: mute, camera and leave always in
 * view, everything else in a "More" menu (the WAI-ARIA menu button pattern: arrow keys, Home/End, Escape, Tab).
 */
export function Controls({ call, snapshot, onLeave, onEnd, onShowQuestion, onReportProblem, reportPerson, detailsOpen, onToggleDetails }: ControlsProps) {
  const audioBoard = snapshot.mode === 'audio-board';
  const reducedMotion = useReducedMotion();
  return (
    <div className="call-controls" role="toolbar" aria-label="Call controls">
      <ControlButton testId="btn-mute" label="Mute" icon={<MicIcon off={!snapshot.audio} />} pressed={!snapshot.audio} onClick={() => void call.setMicrophone(!snapshot.audio)} />
      <ControlButton
        testId="btn-camera"
        label="Stop video"
        icon={<VideoIcon off={!snapshot.video} />}
        pressed={!snapshot.video}
        disabled={snapshot.screen}
        onClick={() => void call.setCamera(!snapshot.video)}
      />
      <ControlButton testId="btn-leave" label="Leave" icon={<LeaveIcon />} onClick={onLeave} />
      <MoreMenu
        items={[
          ...(snapshot.canSwitchCamera && snapshot.video ? [{ testId: 'btn-switch-camera', label: 'Flip camera', icon: <FlipCameraIcon />, onSelect: () => void call.switchCamera() }] : []),
          ...(snapshot.canShareScreen
            ? [{ testId: 'btn-screen', label: snapshot.screen ? 'Stop sharing' : 'Share screen', icon: <ScreenIcon />, checked: snapshot.screen, onSelect: () => (snapshot.screen ? call.stopScreenShare() : void call.startScreenShare()) }]
            : []),
          { testId: 'btn-low-bandwidth', label: 'Data saver', icon: <DataSaverIcon />, checked: snapshot.mode !== 'full', onSelect: () => call.chooseMode(snapshot.mode === 'full' ? 'low' : 'full') },
          { testId: 'btn-audio-board', label: 'Audio only', icon: <AudioOnlyIcon />, checked: audioBoard, onSelect: () => call.chooseMode(audioBoard ? 'low' : 'audio-board') },
          { testId: 'btn-reduced-motion', label: 'Reduce motion', icon: <MotionIcon />, checked: reducedMotion, onSelect: () => chooseReducedMotion(!reducedMotion) },
          ...(onShowQuestion ? [{ testId: 'btn-question-photo', label: 'Question photo', icon: <GalleryIcon />, onSelect: onShowQuestion }] : []),
          { testId: 'btn-diagnostics', label: 'Connection details', icon: <SignalIcon />, checked: detailsOpen, onSelect: onToggleDetails },
          ...(onReportProblem ? [{ testId: 'btn-report-problem', label: 'Report a problem', icon: <HelpIcon />, onSelect: onReportProblem }] : []),
          ...(reportPerson ? [{ testId: 'btn-report-person', label: reportPerson.label, icon: <FlagIcon />, onSelect: reportPerson.onSelect }] : []),
          ...(onEnd ? [{ testId: 'btn-end', label: 'End session', confirmLabel: 'Tap again to end', icon: <EndCallIcon />, danger: true, onSelect: onEnd }] : []),
        ]}
      />
    </div>
  );
}

interface MenuItem {
  testId: string;
  label: string;
  icon: ReactNode;
  /** A toggle: on or off (menuitemcheckbox). */
  checked?: boolean;
  danger?: boolean;
  /** Asks for a second press, showing this label, before it acts. */
  confirmLabel?: string;
  onSelect(): void;
}

function MoreMenu({ items }: { items: MenuItem[] }) {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const active = items.filter((i) => i.checked).length;

  const itemsEls = () => [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role^="menuitem"]') ?? [])];
  const focusItem = (which: 'first' | 'last' | number) => {
    const els = itemsEls();
    if (!els.length) return;
    const i = which === 'first' ? 0 : which === 'last' ? els.length - 1 : (which + els.length) % els.length;
    els[i]!.focus();
  };
  const close = (returnFocus: boolean) => {
    setOpen(false);
    setConfirming(null);
    if (returnFocus) buttonRef.current?.focus();
  };
  const openAt = (which: 'first' | 'last') => {
    setOpen(true);
    // After React has shown the menu.
    requestAnimationFrame(() => focusItem(which));
  };

  // A press outside closes it; so does the confirm step running out.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: globalThis.PointerEvent) => {
      const target = e.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) close(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);
  useEffect(() => {
    if (!confirming) return;
    const timer = window.setTimeout(() => setConfirming(null), 5000);
    return () => window.clearTimeout(timer);
  }, [confirming]);

  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      openAt('first');
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      openAt('last');
    }
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const els = itemsEls();
    const at = els.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown') focusItem(at + 1);
    else if (e.key === 'ArrowUp') focusItem(at - 1);
    else if (e.key === 'Home') focusItem('first');
    else if (e.key === 'End') focusItem('last');
    else if (e.key === 'Escape') close(true);
    else if (e.key === 'Tab') return close(false);
    else return;
    e.preventDefault();
  };

  return (
    <div className="call-more">
      <button
        ref={buttonRef}
        type="button"
        className="call-btn"
        id={`${menuId}-button`}
        aria-label={active ? `More call options, ${active} on` : 'More call options'}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        data-testid="btn-more"
        onClick={() => (open ? close(false) : openAt('first'))}
        onKeyDown={onButtonKey}
      >
        <MoreIcon />
        <span>More</span>
        {active > 0 && <span className="call-more-dot" aria-hidden="true" />}
      </button>
      {open && (
        <div ref={menuRef} className="call-menu" role="menu" id={menuId} aria-labelledby={`${menuId}-button`} data-testid="call-menu" onKeyDown={onMenuKey}>
          {items.map((item) => {
            const confirm = confirming === item.testId;
            return (
              <button
                key={item.testId}
                type="button"
                tabIndex={-1}
                role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
                aria-checked={item.checked}
                className={`call-menu-item${item.danger ? ' call-menu-item-danger' : ''}`}
                data-testid={item.testId}
                onClick={() => {
                  if (item.confirmLabel && !confirm) return setConfirming(item.testId);
                  close(true);
                  item.onSelect();
                }}
              >
                {item.icon}
                <span>{confirm ? item.confirmLabel : item.label}</span>
                {item.checked !== undefined && <span className="call-menu-state">{item.checked ? 'On' : 'Off'}</span>}
              </button>
            );
          })}
        </div>
      )}
    </div>
  );
}

function ControlButton(p: { testId: string; label: string; icon: ReactNode; pressed?: boolean; disabled?: boolean; danger?: boolean; onClick(): void }) {
  return (
    <button
      type="button"
      className={`call-btn${p.danger ? ' call-btn-danger' : ''}`}
      data-testid={p.testId}
      aria-pressed={p.pressed}
      disabled={p.disabled}
      onClick={p.onClick}
    >
      {p.icon}
      <span>{p.label}</span>
    </button>
  );
}

export { ControlButton };

function SignalIcon() {
  return (
    <svg className="icon" width={24} height={24} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.9" strokeLinecap="round" aria-hidden="true" focusable="false">
      <path d="M5 19v-3M10 19v-7M15 19V9M20 19V5" />
    </svg>
  );
}

function MotionIcon() {
  return (
    <svg className="icon" width={24} height={24} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.9" strokeLinecap="round" aria-hidden="true" focusable="false">
      <path d="M4 12h10M4 7h6M4 17h6M17 8l4 4-4 4" />
    </svg>
  );
}
