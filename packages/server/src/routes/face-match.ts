import express, { Router } from 'express';
import { FaceMatchRequestSchema, type FaceMatchResponse } from '@facelight/protocol';
import type { FaceService } from '../face-service.js';
import { ApiError } from '../http/api-error.js';
import { jsonBodyLimit, parseBody } from '../http/validate.js';

/** The face-match step on its own: two images in, similarity and decision out. */
export function faceMatchRoutes(faces: FaceService, maxImageBytes: number): Router {
  const router = Router();
  router.post('/v1/face-match', express.json({ limit: jsonBodyLimit(maxImageBytes, 2) }), async (req, res) => {
    const body = parseBody(FaceMatchRequestSchema, req.body);
    const [a, b] = await Promise.all([
      faces.analyze(Buffer.from(body.imageA, 'base64'), 'imageA'),
      faces.analyze(Buffer.from(body.imageB, 'base64'), 'imageB'),
    ]);
    for (const [label, analysis] of [['imageA', a], ['imageB', b]] as const) {
      if (!analysis.face) {
        throw new ApiError(422, 'NO_FACE', `${label}: no face was found`, {
          image: label,
          errors: [{ code: 'NO_FACE', message: 'No face was found in the image.' }],
        });
      }
    }
    const response: FaceMatchResponse = faces.decide(faces.similarity(a.face!.embedding, b.face!.embedding));
    res.json(response);
  });
  return router;
}
