/** localStorage key remembering that the user accepted the photosensitivity notice. */
export const NOTICE_KEY = 'facelight:photosensitivity-notice';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * Whether the notice was already accepted in this browser profile (for this
 * site: localStorage is per origin). Merely reading `localStorage` throws where
 * storage is blocked; the notice then shows every time, which errs on the safe side.
 */
export function noticeAccepted(storage: () => StorageLike = () => localStorage): boolean {
  try {
    return storage().getItem(NOTICE_KEY) !== null;
  } catch {
    return false;
  }
}

export function rememberNotice(storage: () => StorageLike = () => localStorage): void {
  try {
    storage().setItem(NOTICE_KEY, new Date().toISOString());
  } catch {
    // Not remembered: shown again next time.
  }
}
