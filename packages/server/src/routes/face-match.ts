import express, { Router } from 'express';
import { FaceMatchRequestSchema, type FaceMatchResponse } from '@facelight/protocol';
import { embeddingOf } from '../analysis/analyze-face.js';
import type { FaceService } from '../face-service.js';
import { ApiError } from '../http/api-error.js';
import { refuseDeclaredOversize } from '../http/declared-size.js';
import { jsonBodyLimit, parseBody } from '../http/validate.js';

const MATCH_ONLY = { quality: false, liveness: false };

/** The face-match step on its own: two images in, similarity and decision out. */
export function faceMatchRoutes(faces: FaceService, maxImageBytes: number): Router {
  const router = Router();
  router.post('/v1/face-match', refuseDeclaredOversize(jsonBodyLimit(maxImageBytes, 2)), express.json({ limit: jsonBodyLimit(maxImageBytes, 2) }), async (req, res) => {
    const body = parseBody(FaceMatchRequestSchema, req.body);
    const embeddingFrom = async (label: 'imageA' | 'imageB') => {
      const { face } = await faces.analyze(Buffer.from(body[label], 'base64'), label, MATCH_ONLY);
      if (!face) {
        throw new ApiError(422, 'NO_FACE', `${label}: no face was found`, {
          image: label,
          errors: [{ code: 'NO_FACE', message: 'No face was found in the image.' }],
        });
      }
      return embeddingOf(face);
    };
    // Both images at once: each goes to its own analysis thread.
    const [a, b] = await Promise.all([embeddingFrom('imageA'), embeddingFrom('imageB')]);
    const response: FaceMatchResponse = faces.decide(faces.similarity(a, b));
    res.json(response);
  });
  return router;
}
