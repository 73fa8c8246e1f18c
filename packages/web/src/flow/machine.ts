/**
 * The capture flow as an explicit state machine. Pure: the scan driver asks it
 * whether an event is allowed, so an out-of-order step is a bug that surfaces
 * instead of a UI that silently shows the wrong screen.
 */
export type ScanState =
  | 'idle'
  | 'camera'
  | 'loading'
  | 'connecting'
  | 'notice'
  | 'aligning'
  | 'capturing'
  | 'flashing'
  | 'settling'
  | 'verifying'
  | 'done'
  | 'failed'
  | 'cancelled';

export type ScanEvent =
  | 'START'
  | 'CAMERA_READY'
  | 'ALIGNER_READY'
  | 'CHALLENGE_RECEIVED'
  | 'NOTICE_REQUIRED'
  | 'NOTICE_ACCEPTED'
  | 'ALIGNED'
  | 'FLASH_START'
  | 'FLASH_END'
  | 'ALIGN_TIMEOUT'
  | 'CAPTURE_SENT'
  | 'RESULT_RECEIVED'
  | 'FAIL'
  | 'CANCEL';

const TERMINAL = { FAIL: 'failed', CANCEL: 'cancelled' } as const;

const TRANSITIONS: Record<ScanState, Partial<Record<ScanEvent, ScanState>>> = {
  idle: { START: 'camera', CANCEL: 'cancelled' },
  camera: { CAMERA_READY: 'loading', ...TERMINAL },
  loading: { ALIGNER_READY: 'connecting', ...TERMINAL },
  // Before the first Dynamic scan the user must accept the photosensitivity notice (declining cancels).
  connecting: { CHALLENGE_RECEIVED: 'aligning', NOTICE_REQUIRED: 'notice', ...TERMINAL },
  notice: { NOTICE_ACCEPTED: 'aligning', ...TERMINAL },
  // A user who never aligns still gets a verdict: the verifier answers FAILURE with a retry hint.
  aligning: { ALIGNED: 'capturing', ALIGN_TIMEOUT: 'verifying', ...TERMINAL },
  // Express, and Dynamic's warm-up on the normal screen.
  capturing: { FLASH_START: 'flashing', CAPTURE_SENT: 'verifying', ...TERMINAL },
  // Dynamic colours on screen. The capture may end here (camera stalled, frame cap): the screen is restored as it ends.
  flashing: { FLASH_END: 'settling', CAPTURE_SENT: 'verifying', ...TERMINAL },
  // Dynamic's tail: the normal screen is back and the camera still catches the last colour's response.
  settling: { CAPTURE_SENT: 'verifying', ...TERMINAL },
  verifying: { RESULT_RECEIVED: 'done', ...TERMINAL },
  done: {},
  failed: {},
  cancelled: {},
};

/** The next state, or undefined when `event` is not allowed in `state`. */
export function transition(state: ScanState, event: ScanEvent): ScanState | undefined {
  return TRANSITIONS[state][event];
}

export function isTerminal(state: ScanState): boolean {
  return Object.keys(TRANSITIONS[state]).length === 0;
}
