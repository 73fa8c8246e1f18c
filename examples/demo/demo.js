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
  if (result.evidence?.frame) $('evidence').src = `data:image/jpeg;base64,${result.evidence.frame}`;
  else $('evidence').removeAttribute('src');
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
