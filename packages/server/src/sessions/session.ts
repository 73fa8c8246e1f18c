import type { FaceQuality, Mode, SessionResult } from '@facelight/protocol';

/** What the verifier keeps about the trusted image: never the pixels unless configured. */
export interface TrustedFace {
  embedding: number[];
  quality: FaceQuality;
  /** Base64 of the uploaded bytes, only when `storeTrustedImage` is on. */
  image?: string;
}

export type SessionState = 'created' | 'streaming' | 'completed' | 'failed';

export interface Session {
  id: string;
  mode: Mode;
  useCase?: string;
  metadata?: Record<string, unknown>;
  apiKeyId: string;
  createdAt: number;
  expiresAt: number;
  /** SHA-256 of the client token: the token itself is only ever given out once. */
  clientTokenHash: string;
  state: SessionState;
  trusted?: TrustedFace;
  result?: SessionResult;
}
