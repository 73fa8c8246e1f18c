import type { FlashSurface } from '../capture/dynamic-capture.js';

/**
 * The Dynamic colours: a layer over the whole window in the screen colour, so
 * the screen lights the face, with a small mirrored preview in the middle so
 * the user stays framed. It is a popover where supported: the top layer
 * escapes the page's stacking contexts and any transformed ancestor, which
 * would otherwise trap a fixed layer inside the page's container.
 */
export class FlashOverlay implements FlashSurface {
  readonly element: HTMLDivElement;
  private readonly preview: HTMLVideoElement;
  private readonly popover: boolean;

  constructor(caption: string) {
    this.element = document.createElement('div');
    this.element.className = 'flash';
    this.element.setAttribute('part', 'flash');
    this.element.hidden = true;
    this.popover = typeof this.element.showPopover === 'function';
    if (this.popover) this.element.setAttribute('popover', 'manual');
    this.preview = document.createElement('video');
    this.preview.setAttribute('aria-hidden', 'true');
    this.preview.playsInline = true;
    this.preview.muted = true;
    this.preview.autoplay = true;
    const text = document.createElement('p');
    text.textContent = caption;
    this.element.append(this.preview, text);
  }

  /** Plays the camera in the preview from now, so it has a picture the moment the colours start. */
  attach(stream: MediaStream | null): void {
    this.preview.srcObject = stream;
    // Autoplay takes over once visible; a refusal here only delays the picture.
    if (stream) this.preview.play().catch(() => undefined);
  }

  show(rgb: readonly [number, number, number]): void {
    // CSSOM, not a style attribute: allowed under a strict style-src CSP.
    this.element.style.backgroundColor = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
    if (!this.element.hidden) return;
    this.element.hidden = false;
    if (this.popover) this.element.showPopover();
  }

  hide(): void {
    if (this.element.hidden) return;
    if (this.popover) this.element.hidePopover();
    this.element.hidden = true;
  }
}
