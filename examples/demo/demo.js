// The demo page: it plays the user's browser. Session creation and the
// trusted-image upload happen in the verifier's demo backend (/demo/api),
// which holds the API key; this page only sees a session id and client token.
const $ = (id) => document.getElementById(id);
let chosenSample = null;

async function loadSamples() {
  const { samples } = await (await fetch('/demo/api/samples')).json();
  const box = $('samples');
  for (const [i, name] of samples.entries()) {
    const label = document.createElement('label');
    const input = Object.assign(document.createElement('input'), { type: 'radio', name: 'sample', value: name, id: `sample-${name}` });
    const img = Object.assign(document.createElement('img'), { src: `/demo/api/samples/${encodeURIComponent(name)}`, alt: '' });
    input.addEventListener('change', () => {
      chosenSample = name;
      $('upload').value = '';
      $('no-trusted').checked = false;
    });
    if (i === 0) {
      input.checked = true;
      chosenSample = name;
    }
    label.append(input, img, document.createTextNode(name));
    box.append(label);
  }
}

function readFileBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function createSession() {
  const body = { mode: document.querySelector('input[name=mode]:checked').value };
  const file = $('upload').files[0];
  if (!$('no-trusted').checked) {
    if (file) body.image = await readFileBase64(file);
    else if (chosenSample) body.sample = chosenSample;
  }
  const res = await fetch('/demo/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status !== 201) {
    const errors = json.trusted?.errors ?? (json.trusted?.error ? [json.trusted.error] : json.error ? [json.error] : []);
    throw Object.assign(new Error('The trusted image was refused'), { errors });
  }
  return json;
}

function showErrors(errors) {
  $('errors').replaceChildren(
    ...errors.map((e) => {
      const p = document.createElement('p');
      p.dataset.code = e.code;
      p.textContent = `${e.code}: ${e.message}${e.measured !== undefined ? ` (measured ${e.measured}, limit ${e.limit})` : ''}`;
      return p;
    }),
  );
}

// What the SDK told the user, kept on the page for anyone inspecting it (and for the e2e tests).
function recordFeedback(code) {
  document.body.dataset.lastFeedback = code;
  const seen = new Set((document.body.dataset.feedbackSeen ?? '').split(' ').filter(Boolean));
  seen.add(code);
  document.body.dataset.feedbackSeen = [...seen].join(' ');
}

async function showResult(sessionId) {
  const res = await fetch(`/demo/api/sessions/${sessionId}/result`);
  const result = await res.json();
  $('result').hidden = false;
  $('result-status').textContent = result.status;
  $('result-reasons').textContent = (result.reasons ?? []).join(', ') || '—';
  $('result-scores').textContent = Object.entries(result.scores ?? {})
    .map(([k, v]) => `${k} ${Number(v).toFixed(3)}`)
    .join(', ');
  $('reflection').hidden = !result.reflection;
  if (result.reflection) plotReflection(result.reflection);
  if (result.evidence?.frame) $('evidence').src = `data:image/jpeg;base64,${result.evidence.frame}`;
  else $('evidence').removeAttribute('src');
}

/**
 * Emitted colours as a band along the top, the face's response per channel
 * (relative to its neutral level) as lines below: a live face follows the band.
 */
function plotReflection({ timeline, delayMs }) {
  $('reflection-delay').textContent = Math.round(delayMs);
  const canvas = $('reflection-plot');
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const band = 36, top = band + 12, bottom = height - 20;
  ctx.clearRect(0, 0, width, height);
  const t0 = timeline.t[0] ?? 0, t1 = timeline.t.at(-1) ?? 1;
  const x = (t) => ((t - t0) / Math.max(1, t1 - t0)) * (width - 1);
  timeline.t.forEach((t, i) => {
    const next = timeline.t[i + 1] ?? t1;
    ctx.fillStyle = `rgb(${timeline.emitted[i].join(',')})`;
    ctx.fillRect(Math.floor(x(t)), 0, Math.ceil(x(next) - x(t)) + 1, band);
  });
  ctx.strokeStyle = '#999';
  ctx.strokeRect(0, 0, width, band);
  const values = timeline.face.flat();
  const lo = Math.min(0, ...values), hi = Math.max(1, ...values);
  const y = (v) => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
  ctx.strokeStyle = '#ccc';
  ctx.beginPath();
  ctx.moveTo(0, y(0));
  ctx.lineTo(width, y(0));
  ctx.stroke();
  ['#d93025', '#188038', '#1a73e8'].forEach((colour, ch) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    timeline.t.forEach((t, i) => (i === 0 ? ctx.moveTo(x(t), y(timeline.face[i][ch])) : ctx.lineTo(x(t), y(timeline.face[i][ch]))));
    ctx.stroke();
  });
  ctx.fillStyle = '#555';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(`${Math.round(t1 - t0)} ms`, width - 60, height - 4);
}

$('start').addEventListener('click', async () => {
  $('start').disabled = true;
  $('errors').replaceChildren();
  $('result').hidden = true;
  try {
    const session = await createSession();
    $('setup').hidden = true;
    $('scan-section').hidden = false;
    const outcome = await window.Facelight.start({
      container: $('scan'),
      serverUrl: location.origin,
      sessionId: session.sessionId,
      clientToken: session.clientToken,
      verifierKey: session.verifierKey,
      onFeedback: recordFeedback,
    });
    await showResult(session.sessionId);
    document.body.dataset.outcome = outcome.status;
  } catch (err) {
    if (err.errors) showErrors(err.errors);
    else showErrors([{ code: err.code ?? 'ERROR', message: err.message }]);
    document.body.dataset.outcome = 'ERROR';
    $('setup').hidden = false;
    $('scan-section').hidden = true;
  } finally {
    $('start').disabled = false;
  }
});

$('again').addEventListener('click', () => {
  $('result').hidden = true;
  $('scan-section').hidden = true;
  $('setup').hidden = false;
  $('scan').replaceChildren();
  delete document.body.dataset.outcome;
});

loadSamples();

// #result=<sessionId> shows that session's result, as a link to share from the demo.
const linked = /^#result=([\w-]+)$/.exec(location.hash)?.[1];
if (linked) {
  $('setup').hidden = true;
  showResult(linked);
}
