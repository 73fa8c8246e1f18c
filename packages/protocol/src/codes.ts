/**
 * Machine codes of the public contract. Each list maps a code to a one-line
 * meaning so integrators can show or log it; the code itself never changes
 * meaning within v1.
 */

/** Live feedback shown to the user while aligning the face in the oval. */
export const FEEDBACK_CODES = {
  FACE_NOT_FOUND: 'No face is visible in the camera.',
  MULTIPLE_FACES: 'More than one face is visible.',
  TOO_FAR: 'The face is too small in the oval: move closer.',
  TOO_CLOSE: 'The face overflows the oval: move back.',
  OFF_CENTER: 'The face is not centred in the oval.',
  LOOK_STRAIGHT: 'The head is turned or tilted: look straight at the camera.',
  EYES_CLOSED: 'The eyes are closed.',
  TOO_DARK: 'The face is too dark.',
  TOO_BRIGHT: 'The face is overexposed.',
  BLURRY: 'The image is blurred.',
  HOLD_STILL: 'The face is moving: hold still.',
  ALIGNED: 'The face is aligned; capture can start.',
} as const;
export type FeedbackCode = keyof typeof FEEDBACK_CODES;

/** Why a session ended as it did; listed in the result's `reasons`. */
export const RESULT_REASON_CODES = {
  FACE_MATCHED: 'The live face matches the trusted image.',
  LIVENESS_ONLY: 'No trusted image was given: only liveness was decided.',
  FACE_MISMATCH: 'The live face does not match the trusted image.',
  NO_FACE: 'Too few frames showed a face.',
  MULTIPLE_FACES: 'Several faces were seen in the frames.',
  IDENTITY_CHANGED: 'The face changed identity during the session.',
  TOO_FEW_FRAMES: 'Too few usable frames were received.',
  SPOOF_DETECTED: 'The passive presentation-attack check failed.',
  REFLECTION_ABSENT: 'The face did not reflect the screen colours.',
  REFLECTION_MISMATCH: 'The reflected colours do not follow the emitted sequence.',
  REFLECTION_TOO_WEAK: 'The reflection was too weak to decide (retryable).',
  IMPLAUSIBLE_DELAY: 'The reflection delay is outside the physical window.',
  FLAT_SURFACE: 'The reflection is that of a flat surface, not a face.',
  INJECTION_SUSPECTED: 'The frames look injected rather than captured by a camera.',
  VIRTUAL_CAMERA: 'The camera is a virtual or emulated device.',
  AUTOMATION_DETECTED: 'The browser is automated.',
  FRAME_TIMING_ANOMALY: 'Frame timing is not that of a real camera.',
  DUPLICATE_FRAMES: 'Identical frames were sent more than once.',
  CLIENT_DISCONNECTED: 'The client left before the session was complete (retryable).',
  CONNECTION_UNSTABLE: 'The stream arrived in bursts or too late to follow in real time, as over a stalling network (retryable).',
  SESSION_EXPIRED: 'The session expired before it was complete (retryable with a new session).',
  PROTOCOL_VIOLATION: 'The client broke the stream protocol or one of its limits (see the stream error code).',
  VERIFIER_ERROR: 'The verifier failed during the session (retryable).',
} as const;
export type ResultReasonCode = keyof typeof RESULT_REASON_CODES;

/** Why a trusted image (or a face-match image) was refused. */
export const TRUSTED_IMAGE_ERROR_CODES = {
  IMAGE_TOO_LARGE: 'The image is larger than the byte limit.',
  UNSUPPORTED_FORMAT: 'The bytes are not PNG, JPEG or JPEG 2000 (JP2/J2K).',
  IMAGE_CORRUPT: 'The image is truncated or cannot be decoded.',
  IMAGE_DIMENSIONS_TOO_LARGE: 'The image declares more pixels than allowed.',
  IMAGE_DECODE_TIMEOUT: 'Decoding took longer than allowed.',
  IMAGE_EMPTY: 'No image was sent.',
  NO_FACE: 'No face was found.',
  MULTIPLE_FACES: 'More than one face was found.',
  FACE_CUT_OFF: 'The face is not entirely inside the image.',
  EYE_DISTANCE_TOO_SMALL: 'The distance between the eye centres is below the minimum.',
  ROLL_OUT_OF_RANGE: 'The head is tilted sideways (roll) beyond the limit.',
  YAW_OUT_OF_RANGE: 'The head is turned left or right (yaw) beyond the limit.',
  PITCH_OUT_OF_RANGE: 'The head is tilted up or down (pitch) beyond the limit.',
  EYES_CLOSED: 'An eye is closed or not visible.',
  UNDEREXPOSED: 'Too much of the face is near black.',
  OVEREXPOSED: 'Too much of the face is saturated.',
  LOW_DYNAMIC_RANGE: 'The face uses too few grey levels.',
  UNEVEN_ILLUMINATION: 'One side of the face is much darker than the other.',
  BLURRY: 'The face is not sharp enough.',
} as const;
export type TrustedImageErrorCode = keyof typeof TRUSTED_IMAGE_ERROR_CODES;

/** Errors on the browser stream, sent as `{ type: "error", code, message }`. */
export const STREAM_ERROR_CODES = {
  BAD_MESSAGE: 'A text message is not valid JSON or does not match its schema.',
  BAD_FRAME: 'A binary frame is malformed.',
  UNEXPECTED_MESSAGE: 'The message is not allowed in the current state.',
  HELLO_TIMEOUT: 'No valid hello arrived before the deadline.',
  INVALID_TOKEN: 'The client token is missing, forged or for another session.',
  TOKEN_EXPIRED: 'The client token has expired.',
  TOKEN_REUSED: 'The client token was already used.',
  SESSION_NOT_FOUND: 'The session does not exist or has expired.',
  SESSION_CLOSED: 'The session has already been streamed or completed.',
  FRAME_OUT_OF_ORDER: 'A frame sequence number or time went backwards or repeated.',
  DISPLAY_OUT_OF_ORDER: 'A colour display report skipped or repeated a colour, or its time went backwards.',
  DISPLAY_TIME_IMPLAUSIBLE: 'A colour display time does not fit the frame times or when the report arrived.',
  FRAME_TOO_LARGE: 'A frame exceeds the byte or pixel limit.',
  TOO_MANY_FRAMES: 'More frames were sent than the challenge allows.',
  RATE_LIMITED: 'Messages arrive faster than allowed.',
  IDLE_TIMEOUT: 'The client went silent for too long.',
  NONCE_MISMATCH: "A frame carries another session's nonce.",
  ORIGIN_NOT_ALLOWED: 'The page that opened the stream is not on the allowed origins.',
  LOCKED_OUT: 'Too many failed scans from this client: try again later.',
  STREAM_TIMEOUT: 'The stream stayed open longer than a scan can take.',
  SHUTTING_DOWN: 'The verifier is restarting; the session can be retried.',
  VERIFIER_BUSY: 'The verifier has more frames waiting than it can queue; the session can be retried.',
  STORE_UNAVAILABLE: 'The session store cannot be reached; the session can be retried.',
  INTERNAL_ERROR: 'The verifier failed; the session can be retried.',
} as const;
export type StreamErrorCode = keyof typeof STREAM_ERROR_CODES;

/** Errors the browser SDK reports to the page (promise rejection, `error` event). */
export const SDK_ERROR_CODES = {
  CAMERA_DENIED: 'The user or the browser refused camera access.',
  NO_CAMERA: 'No camera is available.',
  CAMERA_BUSY: 'The camera is in use by another application.',
  LOW_FRAME_RATE: 'The camera cannot deliver the minimum frame rate.',
  INSECURE_CONTEXT: 'The page is not served over HTTPS (or localhost), so the camera is unavailable.',
  UNSUPPORTED_BROWSER: 'The browser lacks an API the scan needs.',
  NETWORK_ERROR: 'The verifier could not be reached or the connection broke.',
  SESSION_EXPIRED: 'The session expired or was already used: create a new one.',
  VERIFIER_ERROR: 'The verifier refused the stream; the code in the message says why.',
  CHALLENGE_SIGNATURE_INVALID: "The challenge is not signed with the verifier's key configured in the SDK: someone between the page and the verifier changed it.",
  CANCELLED: 'The scan was cancelled.',
} as const;
export type SdkErrorCode = keyof typeof SDK_ERROR_CODES;

/** Errors of the REST API, sent as `{ error: { code, message, details? } }`. */
export const API_ERROR_CODES = {
  UNAUTHORIZED: 'The API key is missing or wrong.',
  NOT_FOUND: 'No such route.',
  SESSION_NOT_FOUND: 'The session does not exist or has expired.',
  INVALID_REQUEST: 'The request body or parameters do not match the schema.',
  PAYLOAD_TOO_LARGE: 'The request body is larger than allowed.',
  UNSUPPORTED_MEDIA_TYPE: 'The body format is not accepted.',
  UNKNOWN_USE_CASE: 'The use case is not configured.',
  RESULT_PENDING: 'The session has no result yet.',
  SESSION_NOT_OPEN: 'The session has already been scanned; it can no longer be changed.',
  NOT_READY: 'The verifier is still loading its models.',
  REQUEST_TIMEOUT: 'The request body did not arrive in time.',
  RATE_LIMITED: 'Too many requests from this API key or address; see the Retry-After header.',
  ORIGIN_NOT_ALLOWED: 'The calling page is not on the allowed origins.',
  STORE_UNAVAILABLE: 'The session store cannot be reached; retry shortly.',
  SHUTTING_DOWN: 'The verifier is shutting down; retry on another instance.',
  VERIFIER_BUSY: 'The verifier has more images waiting than it can queue; see the Retry-After header.',
  INTERNAL_ERROR: 'The verifier failed unexpectedly.',
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_CODES;

export const codeList = <T extends Record<string, string>>(codes: T) =>
  Object.keys(codes) as [keyof T & string, ...(keyof T & string)[]];
