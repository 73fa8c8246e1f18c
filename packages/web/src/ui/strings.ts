import type { FeedbackCode, ResultReasonCode, SdkErrorCode } from '@facelight/protocol';

/**
 * Result codes the user can do something about by trying again, each with its
 * own hint; any other code (a failed check) gets the generic one, which says
 * nothing an attacker could learn from.
 */
export const RETRYABLE_CODES = [
  'NO_FACE',
  'MULTIPLE_FACES',
  'TOO_FEW_FRAMES',
  'REFLECTION_TOO_WEAK',
  'CLIENT_DISCONNECTED',
  'SESSION_EXPIRED',
  'VERIFIER_ERROR',
] as const satisfies readonly ResultReasonCode[];
type RetryableCode = (typeof RETRYABLE_CODES)[number];

const EN = {
  'feedback.FACE_NOT_FOUND': 'Place your face in the oval',
  'feedback.MULTIPLE_FACES': 'Make sure you are alone in view',
  'feedback.TOO_FAR': 'Move closer',
  'feedback.TOO_CLOSE': 'Move back a little',
  'feedback.OFF_CENTER': 'Centre your face in the oval',
  'feedback.LOOK_STRAIGHT': 'Look straight at the camera',
  'feedback.EYES_CLOSED': 'Keep your eyes open',
  'feedback.TOO_DARK': 'Find more light',
  'feedback.TOO_BRIGHT': 'Too bright: avoid direct light',
  'feedback.BLURRY': 'The image is blurred: clean the camera or hold still',
  'feedback.HOLD_STILL': 'Hold still',
  'feedback.ALIGNED': 'Perfect, hold still',
  'state.camera': 'Starting the camera…',
  'state.loading': 'Preparing…',
  'state.connecting': 'Connecting…',
  'state.notice': 'Please read this before the scan',
  'state.capturing': 'Scanning… hold still',
  'state.flashing': 'Hold still while the screen changes colour',
  'state.verifying': 'Verifying…',
  'state.cancelled': 'Scan cancelled',
  'fallback.countdown': 'Centre your face in the oval. Starting in {n}…',
  'notice.title': 'Flashing colours',
  'notice.text':
    'The screen will flash colours for a few seconds. If flashing lights may affect you (for example photosensitive epilepsy), choose Cancel.',
  'notice.continue': 'Continue',
  'notice.cancel': 'Cancel',
  'camera.label': 'Camera',
  'camera.unnamed': 'Camera {n}',
  'result.SUCCESS': 'Done, thank you',
  'result.FAILURE': 'We could not verify you',
  'retry.NO_FACE': 'Keep your face in the oval until the scan ends.',
  'retry.MULTIPLE_FACES': 'Make sure you are alone in view, then try again.',
  'retry.TOO_FEW_FRAMES': 'Keep your face in the oval and hold still, then try again.',
  'retry.REFLECTION_TOO_WEAK':
    'Turn your screen brightness up, face the screen from closer, and avoid bright light behind you or on your face (a window, a lamp), then try again.',
  'retry.CLIENT_DISCONNECTED': 'The connection dropped: check your network and try again.',
  'retry.SESSION_EXPIRED': 'The session expired: please start again.',
  'retry.VERIFIER_ERROR': 'Something went wrong on our side: please try again in a moment.',
  'retry.default': 'Please try again.',
  'error.title': 'The scan stopped',
  'error.CAMERA_DENIED': 'Camera access was refused. Allow the camera in your browser settings and try again.',
  'error.NO_CAMERA': 'No camera was found.',
  'error.CAMERA_BUSY': 'The camera is in use by another application.',
  'error.LOW_FRAME_RATE': 'The camera is too slow. Try more light or another camera.',
  'error.INSECURE_CONTEXT': 'The camera needs a secure (HTTPS) page.',
  'error.UNSUPPORTED_BROWSER': 'This browser cannot run the face scan. Please use an up-to-date browser.',
  'error.NETWORK_ERROR': 'The connection failed. Check your network and try again.',
  'error.SESSION_EXPIRED': 'This scan session has expired. Please start again.',
  'error.VERIFIER_ERROR': 'The verification service could not complete the scan. Please try again.',
  'error.CHALLENGE_SIGNATURE_INVALID': 'The connection to the verification service is not secure. Try another network.',
  'error.CANCELLED': 'Scan cancelled',
} as const satisfies Record<`feedback.${FeedbackCode}` | `error.${SdkErrorCode}` | `retry.${RetryableCode}` | 'retry.default', string> &
  Partial<Record<`retry.${ResultReasonCode}`, string>> &
  Record<string, string>;

export type StringKey = keyof typeof EN;
export type Strings = Record<StringKey, string>;

const FR: Strings = {
  'feedback.FACE_NOT_FOUND': 'Placez votre visage dans l’ovale',
  'feedback.MULTIPLE_FACES': 'Assurez-vous d’être seul à l’image',
  'feedback.TOO_FAR': 'Rapprochez-vous',
  'feedback.TOO_CLOSE': 'Reculez un peu',
  'feedback.OFF_CENTER': 'Centrez votre visage dans l’ovale',
  'feedback.LOOK_STRAIGHT': 'Regardez droit vers la caméra',
  'feedback.EYES_CLOSED': 'Gardez les yeux ouverts',
  'feedback.TOO_DARK': 'Trouvez plus de lumière',
  'feedback.TOO_BRIGHT': 'Trop lumineux : évitez la lumière directe',
  'feedback.BLURRY': 'L’image est floue : nettoyez la caméra ou ne bougez plus',
  'feedback.HOLD_STILL': 'Ne bougez plus',
  'feedback.ALIGNED': 'Parfait, ne bougez plus',
  'state.camera': 'Démarrage de la caméra…',
  'state.loading': 'Préparation…',
  'state.connecting': 'Connexion…',
  'state.notice': 'Veuillez lire ceci avant l’analyse',
  'state.capturing': 'Analyse… ne bougez plus',
  'state.flashing': 'Ne bougez pas pendant que l’écran change de couleur',
  'state.verifying': 'Vérification…',
  'state.cancelled': 'Analyse annulée',
  'fallback.countdown': 'Centrez votre visage dans l’ovale. Début dans {n}…',
  'notice.title': 'Couleurs clignotantes',
  'notice.text':
    'L’écran va clignoter en couleurs pendant quelques secondes. Si les lumières clignotantes peuvent vous gêner (par exemple en cas d’épilepsie photosensible), choisissez Annuler.',
  'notice.continue': 'Continuer',
  'notice.cancel': 'Annuler',
  'camera.label': 'Caméra',
  'camera.unnamed': 'Caméra {n}',
  'result.SUCCESS': 'C’est fait, merci',
  'result.FAILURE': 'Nous n’avons pas pu vous vérifier',
  'retry.NO_FACE': 'Gardez votre visage dans l’ovale jusqu’à la fin de l’analyse.',
  'retry.MULTIPLE_FACES': 'Assurez-vous d’être seul à l’image, puis réessayez.',
  'retry.TOO_FEW_FRAMES': 'Gardez votre visage dans l’ovale sans bouger, puis réessayez.',
  'retry.REFLECTION_TOO_WEAK':
    'Augmentez la luminosité de l’écran, rapprochez-vous-en et évitez toute lumière forte derrière vous ou sur votre visage (fenêtre, lampe), puis réessayez.',
  'retry.CLIENT_DISCONNECTED': 'La connexion a été interrompue : vérifiez votre réseau et réessayez.',
  'retry.SESSION_EXPIRED': 'La session a expiré : veuillez recommencer.',
  'retry.VERIFIER_ERROR': 'Un problème est survenu de notre côté : veuillez réessayer dans un instant.',
  'retry.default': 'Veuillez réessayer.',
  'error.title': 'L’analyse s’est arrêtée',
  'error.CAMERA_DENIED': 'L’accès à la caméra a été refusé. Autorisez la caméra dans les réglages du navigateur et réessayez.',
  'error.NO_CAMERA': 'Aucune caméra n’a été trouvée.',
  'error.CAMERA_BUSY': 'La caméra est utilisée par une autre application.',
  'error.LOW_FRAME_RATE': 'La caméra est trop lente. Essayez avec plus de lumière ou une autre caméra.',
  'error.INSECURE_CONTEXT': 'La caméra nécessite une page sécurisée (HTTPS).',
  'error.UNSUPPORTED_BROWSER': 'Ce navigateur ne peut pas effectuer l’analyse. Utilisez un navigateur à jour.',
  'error.NETWORK_ERROR': 'La connexion a échoué. Vérifiez votre réseau et réessayez.',
  'error.SESSION_EXPIRED': 'Cette session a expiré. Veuillez recommencer.',
  'error.VERIFIER_ERROR': 'Le service de vérification n’a pas pu terminer l’analyse. Veuillez réessayer.',
  'error.CHALLENGE_SIGNATURE_INVALID': 'La connexion au service de vérification n’est pas sûre. Essayez un autre réseau.',
  'error.CANCELLED': 'Analyse annulée',
};

export const STRING_TABLES: Readonly<Record<string, Strings>> = { en: EN, fr: FR };

/**
 * The table for a BCP 47 tag ("fr-CA" → French), English when unknown, with
 * the page's overrides on top; unknown override keys are ignored.
 */
export function resolveStrings(locale: string | undefined, overrides: Partial<Record<string, string>> = {}): Strings {
  const base = STRING_TABLES[(locale ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en'] ?? EN;
  const strings: Strings = { ...base };
  for (const key of Object.keys(base) as StringKey[]) {
    const value = overrides[key];
    if (typeof value === 'string') strings[key] = value;
  }
  return strings;
}

/** Fills `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}

/** The hint for a retry code, or the generic one for codes without their own. */
export function retryText(strings: Strings, code: string | undefined): string {
  return (strings as Record<string, string>)[`retry.${code}`] ?? strings['retry.default'];
}
