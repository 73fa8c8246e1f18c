export { ImageIntakeError, type ImageErrorCode } from './errors.js';
export { detectFormat, type ImageFormat } from './format.js';
export { createImageIntake, DEFAULT_IMAGE_LIMITS, type DecodedImage, type ImageIntake, type ImageLimits } from './intake.js';
