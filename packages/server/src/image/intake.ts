import { corrupt, ImageIntakeError } from './errors.js';
import { detectFormat, type ImageFormat } from './format.js';
import { readDimensions } from './header.js';
import type { RawImage } from './jp2/decode.js';
import { createJpeg2000Pool, Jpeg2000DecodeError, Jpeg2000TimeoutError } from './jp2/pool.js';
import { decodeEncoded, normaliseRaw, type RgbImage } from './normalise.js';

export interface ImageLimits {
  maxBytes: number;
  /** Width x height as declared in the header, checked before anything is decoded. */
  maxPixels: number;
  /** Per JPEG 2000 decode, after which its worker is killed. */
  decodeTimeoutMs: number;
  /** JPEG 2000 decoder threads (default 1). */
  jp2Workers?: number;
}

export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = Object.freeze({
  maxBytes: 2 * 1024 * 1024, // 2 MiB: what file managers show as "2 MB"
  maxPixels: 24_000_000,
  decodeTimeoutMs: 5000,
});

export interface DecodedImage {
  /** 8-bit sRGB, 3 channels interleaved (RGB), EXIF orientation applied. */
  data: Buffer;
  width: number;
  height: number;
  format: ImageFormat;
}

export interface ImageIntake {
  /** Rejects with an ImageIntakeError when the image is refused. */
  decode(buf: Buffer): Promise<DecodedImage>;
  /** Stops the JPEG 2000 workers; pending decodes fail. */
  close(): Promise<void>;
}

const FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = {
  png: 'PNG',
  jpeg: 'JPEG',
  jp2: 'JP2',
  j2k: 'JPEG 2000 codestream',
};

/**
 * Turns untrusted upload bytes into pixels, cheapest checks first: size,
 * signature, declared dimensions, and only then a decoder. The declared
 * Content-Type plays no part.
 */
export function createImageIntake(limits: ImageLimits = DEFAULT_IMAGE_LIMITS): ImageIntake {
  const { maxBytes, maxPixels, decodeTimeoutMs } = limits;
  for (const [name, value] of Object.entries({ maxBytes, maxPixels, decodeTimeoutMs })) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`Image limit ${name} must be a positive integer, not ${value}`);
  }
  const jp2 = createJpeg2000Pool({ size: limits.jp2Workers ?? 1, timeoutMs: decodeTimeoutMs });

  async function decodeJpeg2000(buf: Buffer, format: ImageFormat): Promise<RgbImage> {
    let raw: RawImage;
    try {
      raw = await jp2.decode(buf);
    } catch (error) {
      if (error instanceof Jpeg2000TimeoutError) {
        throw new ImageIntakeError('IMAGE_DECODE_TIMEOUT', error.message, { limit: decodeTimeoutMs });
      }
      if (error instanceof Jpeg2000DecodeError) throw undecodable(format, error);
      throw error; // the pool itself failed (closed, worker cannot start): not the image's fault
    }
    return normaliseRaw(raw);
  }

  return {
    async decode(buf) {
      if (buf.length === 0) throw new ImageIntakeError('IMAGE_EMPTY', 'No image bytes were sent.');
      if (buf.length > maxBytes) {
        throw new ImageIntakeError('IMAGE_TOO_LARGE', `The image is ${buf.length} bytes; at most ${maxBytes} are accepted.`, {
          measured: buf.length,
          limit: maxBytes,
        });
      }
      const format = detectFormat(buf);
      if (!format) {
        throw new ImageIntakeError(
          'UNSUPPORTED_FORMAT',
          'The bytes are not PNG, JPEG or JPEG 2000 (JP2/J2K); the format is recognised by its signature, whatever type was declared.',
        );
      }
      const { width, height } = readDimensions(buf, format);
      const pixels = width * height;
      if (pixels > maxPixels) {
        throw new ImageIntakeError(
          'IMAGE_DIMENSIONS_TOO_LARGE',
          `The ${FORMAT_NAMES[format]} declares ${width}x${height} = ${pixels} pixels; at most ${maxPixels} are accepted.`,
          { measured: pixels, limit: maxPixels },
        );
      }
      let image: RgbImage;
      if (format === 'jp2' || format === 'j2k') {
        image = await decodeJpeg2000(buf, format);
      } else {
        try {
          image = await decodeEncoded(buf, maxPixels);
        } catch (error) {
          throw undecodable(format, error);
        }
      }
      return { ...image, format };
    },
    close: () => jp2.close(),
  };
}

function undecodable(format: ImageFormat, cause: unknown): ImageIntakeError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return corrupt(`The ${FORMAT_NAMES[format]} could not be decoded: ${reason}`, { cause });
}
