import type { FeedbackCode, Oval, SdkErrorCode } from '@facelight/protocol';
import type { ScanState } from '../flow/machine.js';
import { FlashOverlay } from './flash-overlay.js';
import { format, retryText, type StringKey, type Strings } from './strings.js';
import { STYLES } from './styles.js';

const SVG = 'http://www.w3.org/2000/svg';
const BUSY_STATES: ReadonlySet<ScanState> = new Set(['camera', 'loading', 'connecting', 'verifying']);

export interface CameraChoice {
  deviceId: string;
  label: string;
}

/**
 * The scan's DOM: a mirrored preview with the oval drawn over it in video
 * coordinates (mirrored with it, so the oval sits where the verifier expects
 * the face), one polite live region for every message, a camera picker, the
 * photosensitivity notice, the result panel and the Dynamic colour overlay.
 * It only displays; the scan driver decides what.
 */
export class ScanView {
  readonly video: HTMLVideoElement;
  readonly flash: FlashOverlay;
  private readonly root: HTMLDivElement;
  private readonly stage: HTMLDivElement;
  private readonly overlay: SVGSVGElement;
  private readonly shade: SVGPathElement;
  private readonly oval: SVGEllipseElement;
  private readonly progress: SVGPathElement;
  private readonly spinner: HTMLDivElement;
  private readonly hint: HTMLParagraphElement;
  private readonly picker: HTMLLabelElement;
  private readonly select: HTMLSelectElement;
  private readonly result: HTMLDivElement;
  private notice: HTMLElement | undefined;

  constructor(
    private readonly host: ShadowRoot,
    private readonly strings: Strings,
  ) {
    this.root = el('div', { class: 'root', part: 'root' });
    this.stage = el('div', { class: 'stage', part: 'stage' });
    const mirror = el('div', { class: 'mirror' });
    this.video = el('video', { playsinline: '', muted: '', autoplay: '', 'aria-hidden': 'true' });
    // The muted attribute alone does not mute a video created by script, and autoplay needs muted.
    this.video.muted = true;
    this.overlay = svg('svg', { class: 'overlay', preserveAspectRatio: 'none', 'aria-hidden': 'true', hidden: '' });
    this.shade = svg('path', { class: 'shade' });
    this.oval = svg('ellipse', { class: 'oval' });
    this.progress = svg('path', { class: 'progress', pathLength: '1' });
    this.overlay.append(this.shade, this.oval, this.progress);
    mirror.append(this.video, this.overlay);
    this.spinner = el('div', { class: 'spinner', 'aria-hidden': 'true' });
    this.result = el('div', { class: 'result', part: 'result', 'aria-hidden': 'true', hidden: '' });
    this.stage.append(mirror, this.spinner, this.result);
    this.hint = el('p', { class: 'hint', part: 'hint', role: 'status', 'aria-live': 'polite' });
    this.select = el('select', {});
    this.picker = el('label', { class: 'camera', part: 'camera', hidden: '' });
    this.picker.append(strings['camera.label'], this.select);
    this.root.append(this.stage, this.hint, this.picker);
    this.flash = new FlashOverlay(strings['state.flashing']);
    host.replaceChildren(...adoptStyles(host), this.root, this.flash.element);
  }

  async attachStream(stream: MediaStream): Promise<void> {
    this.video.srcObject = stream;
    this.flash.attach(stream);
    try {
      await this.video.play();
    } catch (err) {
      // A newer stream replaced this one before it started (a quick second camera pick): not a failure.
      if ((err as Error).name !== 'AbortError') throw err;
    }
  }

  /** Draws the oval in the video's own pixel space so it lines up whatever the displayed size. */
  showOval(oval: Oval): void {
    const w = this.video.videoWidth;
    const h = this.video.videoHeight;
    const [cx, cy, rx, ry] = [oval.cx * w, oval.cy * h, (oval.w * w) / 2, (oval.h * h) / 2];
    this.stage.style.aspectRatio = `${w} / ${h}`;
    this.overlay.setAttribute('viewBox', `0 0 ${w} ${h}`);
    // The frame minus the ellipse (even-odd), so only the outside is shaded.
    this.shade.setAttribute('d', `M0 0H${w}V${h}H0Z M${cx - rx} ${cy}a${rx} ${ry} 0 1 0 ${2 * rx} 0a${rx} ${ry} 0 1 0 ${-2 * rx} 0Z`);
    this.oval.setAttribute('cx', String(cx));
    this.oval.setAttribute('cy', String(cy));
    this.oval.setAttribute('rx', String(rx));
    this.oval.setAttribute('ry', String(ry));
    // From the top, anticlockwise in video space: clockwise once mirrored on screen.
    this.progress.setAttribute('d', `M${cx} ${cy - ry}A${rx} ${ry} 0 1 0 ${cx} ${cy + ry}A${rx} ${ry} 0 1 0 ${cx} ${cy - ry}`);
    this.overlay.removeAttribute('hidden');
  }

  showState(state: ScanState): void {
    this.root.dataset.state = state;
    this.spinner.hidden = !BUSY_STATES.has(state);
    const key = `state.${state}` as StringKey;
    if (key in this.strings) this.say(this.strings[key]);
  }

  showFeedback(code: FeedbackCode): void {
    this.root.toggleAttribute('data-aligned', code === 'ALIGNED');
    this.say(this.strings[`feedback.${code}`]);
  }

  showCountdown(seconds: number): void {
    this.say(format(this.strings['fallback.countdown'], { n: seconds }));
  }

  showProgress(fraction: number): void {
    this.root.removeAttribute('data-aligned');
    this.progress.style.strokeDashoffset = String(1 - fraction);
  }

  /** The photosensitivity notice over the preview; `onAnswer` gets whether the user chose to continue. */
  showNotice(onAnswer: (accepted: boolean) => void): void {
    const panel = el('div', { class: 'notice', part: 'notice', role: 'alertdialog', 'aria-labelledby': 'notice-title', 'aria-describedby': 'notice-text' });
    const title = el('p', { class: 'title', id: 'notice-title' });
    title.textContent = this.strings['notice.title'];
    const text = el('p', { class: 'detail', id: 'notice-text' });
    text.textContent = this.strings['notice.text'];
    const button = (key: 'notice.cancel' | 'notice.continue', accepted: boolean) => {
      const b = el('button', { type: 'button', class: accepted ? 'primary' : '' });
      b.textContent = this.strings[key];
      b.onclick = () => {
        this.hideNotice();
        onAnswer(accepted);
      };
      return b;
    };
    const accept = button('notice.continue', true);
    const actions = el('div', { class: 'actions' });
    actions.append(button('notice.cancel', false), accept);
    panel.append(title, text, actions);
    this.hideNotice();
    this.notice = panel;
    this.spinner.hidden = true;
    this.stage.append(panel);
    // Nothing happens until the user chooses: put the keyboard on the choice.
    accept.focus();
  }

  showResult(status: 'SUCCESS' | 'FAILURE', retryCode: string | undefined): void {
    const detail = status === 'SUCCESS' ? '' : retryText(this.strings, retryCode);
    this.showPanel(status, this.strings[`result.${status}`], detail);
  }

  showError(code: SdkErrorCode): void {
    if (code === 'CANCELLED') this.showPanel('FAILURE', this.strings['error.CANCELLED'], '');
    else this.showPanel('FAILURE', this.strings['error.title'], this.strings[`error.${code}`]);
  }

  /** Lists cameras when there is a choice; `onPick` gets the chosen deviceId. */
  showCameras(cameras: readonly CameraChoice[], current: string, onPick: (deviceId: string) => void): void {
    this.picker.hidden = cameras.length < 2;
    this.select.replaceChildren(
      ...cameras.map((camera, i) => {
        const option = el('option', { value: camera.deviceId });
        option.textContent = camera.label || format(this.strings['camera.unnamed'], { n: i + 1 });
        option.selected = camera.deviceId === current;
        return option;
      }),
    );
    this.select.onchange = () => onPick(this.select.value);
  }

  hideCameras(): void {
    this.picker.hidden = true;
  }

  detachStream(): void {
    this.video.srcObject = null;
    this.flash.attach(null);
  }

  destroy(): void {
    this.detachStream();
    this.host.replaceChildren();
  }

  private hideNotice(): void {
    this.notice?.remove();
    this.notice = undefined;
  }

  private showPanel(status: 'SUCCESS' | 'FAILURE', title: string, detail: string): void {
    this.hideNotice();
    this.spinner.hidden = true;
    this.hideCameras();
    this.result.dataset.status = status;
    const icon = svg('svg', { class: 'icon', viewBox: '0 0 64 64' });
    icon.append(svg('circle', { cx: '32', cy: '32', r: '32' }), svg('path', { d: status === 'SUCCESS' ? 'M18 33l9 9 19-20' : 'M22 22l20 20M42 22L22 42' }));
    const titleEl = el('p', { class: 'title' });
    titleEl.textContent = title;
    const detailEl = el('p', { class: 'detail' });
    detailEl.textContent = detail;
    this.result.replaceChildren(icon, titleEl, detailEl);
    this.result.hidden = false;
    // The panel shows the message; the live region still announces it.
    this.hint.classList.add('sr-only');
    this.say(detail ? `${title}. ${detail}` : title);
  }

  private say(text: string): void {
    if (this.hint.textContent !== text) this.hint.textContent = text;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/**
 * Constructable stylesheets are not inline styles, so a page's strict CSP
 * (`style-src 'self'`, no 'unsafe-inline') still lets the scan be styled.
 * Browsers without them get a <style> element (which such a CSP blocks).
 */
function adoptStyles(host: ShadowRoot): HTMLStyleElement[] {
  if ('adoptedStyleSheets' in host && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
    host.adoptedStyleSheets = [sheet];
    return [];
  }
  const style = document.createElement('style');
  style.textContent = STYLES;
  return [style];
}
