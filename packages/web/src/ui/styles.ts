/**
 * Shadow-DOM styles. Pages theme the scan through the custom properties below,
 * which inherit into the shadow root.
 */
export const STYLES = `
:host, .root {
  --_accent: var(--facelight-accent, #2563eb);
  --_oval: var(--facelight-oval, rgba(255, 255, 255, 0.9));
  --_oval-ok: var(--facelight-oval-ok, #22c55e);
  --_shade: var(--facelight-shade, rgba(15, 23, 42, 0.7));
  --_text: var(--facelight-text, #111827);
  --_bg: var(--facelight-background, #ffffff);
  --_success: var(--facelight-success, #16a34a);
  --_failure: var(--facelight-failure, #dc2626);
  --_radius: var(--facelight-radius, 16px);
  --_font: var(--facelight-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
}
.root {
  font-family: var(--_font);
  color: var(--_text);
  background: var(--_bg);
  max-width: var(--facelight-max-width, 480px);
  margin: 0 auto;
  display: flex;
  flex-direction: column;
  gap: 12px;
}
.stage {
  position: relative;
  aspect-ratio: 4 / 3;
  border-radius: var(--_radius);
  overflow: hidden;
  background: #0f172a;
}
.mirror { position: absolute; inset: 0; transform: scaleX(-1); }
.mirror > video, .overlay { position: absolute; inset: 0; width: 100%; height: 100%; }
.mirror > video { object-fit: cover; }
.shade { fill: var(--_shade); fill-rule: evenodd; }
.oval { fill: none; stroke: var(--_oval); stroke-width: 4; vector-effect: non-scaling-stroke; transition: stroke 0.2s; }
.progress {
  fill: none; stroke: var(--_accent); stroke-width: 6; vector-effect: non-scaling-stroke;
  stroke-dasharray: 1; stroke-dashoffset: 1; transition: stroke-dashoffset 0.1s linear;
}
.root[data-aligned] .oval { stroke: var(--_oval-ok); animation: pulse 1s ease-in-out infinite; }
@keyframes pulse { 50% { stroke-width: 7; } }
.overlay[hidden] { display: none; }
.spinner {
  position: absolute; top: 50%; left: 50%; width: 40px; height: 40px; margin: -20px;
  border: 4px solid rgba(255, 255, 255, 0.3); border-top-color: var(--_accent); border-radius: 50%;
  animation: spin 0.9s linear infinite;
}
@keyframes spin { to { transform: rotate(360deg); } }
.hint { margin: 0; min-height: 2.6em; text-align: center; font-size: 1.1rem; font-weight: 600; line-height: 1.3; }
.camera { display: flex; gap: 8px; align-items: center; justify-content: center; font-size: 0.9rem; }
.camera select { font: inherit; max-width: 70%; padding: 4px 8px; border-radius: 8px; }
.camera select:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
.result, .notice {
  position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center; justify-content: center;
  gap: 8px; padding: 24px; text-align: center; background: var(--_bg); overflow: auto;
}
.result .icon { width: 64px; height: 64px; }
.result .icon circle { fill: var(--_failure); }
.result[data-status="SUCCESS"] .icon circle { fill: var(--_success); }
.result .icon path { fill: none; stroke: #fff; stroke-width: 6; stroke-linecap: round; stroke-linejoin: round; }
.result .title, .notice .title { margin: 0; font-size: 1.25rem; font-weight: 700; }
.result .detail, .notice .detail { margin: 0; }
.notice .actions { display: flex; gap: 12px; margin-top: 8px; }
.notice button {
  font: inherit; font-weight: 600; padding: 8px 20px; border-radius: 8px; cursor: pointer;
  border: 2px solid var(--_accent); background: transparent; color: var(--_text);
}
.notice button.primary { background: var(--_accent); color: #fff; }
.notice button:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
/* Over the whole window (a popover's top layer where supported), so the screen colour lights the face. */
.flash {
  position: fixed; inset: 0; width: auto; height: auto; max-width: none; max-height: none;
  margin: 0; padding: 16px; border: 0; z-index: 2147483647; overflow: hidden;
  display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 16px;
  font-family: var(--_font);
}
.flash video { width: min(40vmin, 320px); border-radius: var(--_radius); transform: scaleX(-1); }
.flash p {
  margin: 0; padding: 6px 14px; border-radius: 999px; text-align: center;
  background: rgba(0, 0, 0, 0.6); color: #fff; font-weight: 600;
}
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
/* The UI's own animations only: the Dynamic colours are the check itself and stay (the photosensitivity notice is the safeguard). */
@media (prefers-reduced-motion: reduce) {
  .oval, .progress { transition: none; }
  .root[data-aligned] .oval, .spinner { animation: none; }
}
`;
