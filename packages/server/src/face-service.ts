import type { ImageCheckFailure } from '@facelight/protocol';
import { ALL_NEEDS, type AnalysisNeeds, type ImageAnalysis } from './analysis/analyze-face.js';
import { cosine } from './analysis/face-models.js';
import type { AnalysisPool } from './analysis/pool.js';
import { checkTrustedImage, type TrustedImageLimits } from './analysis/trusted-image-checks.js';
import { ApiError } from './http/api-error.js';
import { ImageIntakeError, type ImageIntake } from './image/index.js';

export interface FaceMatchOutcome {
  similarity: number;
  match: boolean;
  threshold: number;
}

/** Image bytes in, face decisions out: intake, analysis and the checks, in that order. */
export class FaceService {
  constructor(
    private readonly intake: ImageIntake,
    private readonly pool: AnalysisPool,
    private readonly limits: TrustedImageLimits,
    readonly faceMatchThreshold: number,
  ) {}

  /** Decodes and analyses untrusted bytes; intake failures become coded API errors. */
  async analyze(bytes: Buffer, label?: string, needs: AnalysisNeeds = ALL_NEEDS): Promise<ImageAnalysis> {
    let decoded;
    try {
      decoded = await this.intake.decode(bytes);
    } catch (err) {
      if (err instanceof ImageIntakeError) throw intakeApiError(err, label);
      throw err;
    }
    return this.pool.analyze(decoded, needs);
  }

  checkTrusted(analysis: ImageAnalysis): ImageCheckFailure[] {
    return checkTrustedImage(analysis, this.limits);
  }

  similarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
    return cosine(Float32Array.from(a), Float32Array.from(b));
  }

  decide(similarity: number): FaceMatchOutcome {
    return { similarity: Number(similarity.toFixed(4)), match: similarity >= this.faceMatchThreshold, threshold: this.faceMatchThreshold };
  }
}

function intakeApiError(err: ImageIntakeError, label?: string): ApiError {
  const failure: ImageCheckFailure = {
    code: err.code,
    message: err.message,
    ...(err.measured === undefined ? {} : { measured: err.measured }),
    ...(err.limit === undefined ? {} : { limit: err.limit }),
  };
  return new ApiError(err.httpStatus, err.code, label ? `${label}: ${err.message}` : err.message, {
    ...(label ? { image: label } : {}),
    errors: [failure],
  });
}
