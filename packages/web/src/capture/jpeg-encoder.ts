/**
 * Draws video frames at a fixed size and JPEG-encodes them. Both blob APIs
 * snapshot the canvas when called, so one canvas serves overlapping encodes.
 */
export interface JpegEncoder {
  encode(source: CanvasImageSource): Promise<Uint8Array>;
}

export function createJpegEncoder(width: number, height: number, quality: number): JpegEncoder {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = context(canvas.getContext('2d'));
    return {
      async encode(source) {
        ctx.drawImage(source, 0, 0, width, height);
        return bytes(await canvas.convertToBlob({ type: 'image/jpeg', quality }));
      },
    };
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = context(canvas.getContext('2d'));
  return {
    encode(source) {
      ctx.drawImage(source, 0, 0, width, height);
      return new Promise((resolve, reject) =>
        canvas.toBlob((blob) => (blob ? resolve(bytes(blob)) : reject(new Error('JPEG encoding failed'))), 'image/jpeg', quality),
      );
    },
  };
}

function context<T>(ctx: T | null): T {
  if (!ctx) throw new Error('2-D canvas unavailable');
  return ctx;
}

async function bytes(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}
