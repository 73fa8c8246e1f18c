import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEEDBACK_CODES, SDK_ERROR_CODES } from '@facelight/protocol';
import { RETRYABLE_CODES, STRING_TABLES, format, resolveStrings, retryText } from './strings.js';

test('every feedback and error code has a text in every language', () => {
  for (const [lang, table] of Object.entries(STRING_TABLES)) {
    for (const code of Object.keys(FEEDBACK_CODES)) assert.ok((table as Record<string, string>)[`feedback.${code}`], `${lang} feedback.${code}`);
    for (const code of Object.keys(SDK_ERROR_CODES)) assert.ok((table as Record<string, string>)[`error.${code}`], `${lang} error.${code}`);
  }
});

test('French and English have the same keys', () => {
  assert.deepEqual(Object.keys(STRING_TABLES.fr!).sort(), Object.keys(STRING_TABLES.en!).sort());
});

test('the locale picks the table by language, English when unknown', () => {
  assert.equal(resolveStrings('fr-CA')['feedback.TOO_FAR'], 'Rapprochez-vous');
  assert.equal(resolveStrings('FR')['feedback.TOO_FAR'], 'Rapprochez-vous');
  assert.equal(resolveStrings('de')['feedback.TOO_FAR'], 'Move closer');
  assert.equal(resolveStrings(undefined)['feedback.TOO_FAR'], 'Move closer');
});

test('page overrides win; unknown keys are ignored', () => {
  const strings = resolveStrings('fr', { 'feedback.TOO_FAR': 'Approchez', bogus: 'x' });
  assert.equal(strings['feedback.TOO_FAR'], 'Approchez');
  assert.equal((strings as Record<string, string>).bogus, undefined);
});

test('placeholders and retry hints', () => {
  assert.equal(format('Starting in {n}… {missing}', { n: 3 }), 'Starting in 3… {missing}');
  const en = resolveStrings('en');
  assert.equal(retryText(en, 'NO_FACE'), en['retry.NO_FACE']);
  assert.equal(retryText(en, 'SPOOF_DETECTED'), en['retry.default']);
  assert.equal(retryText(en, undefined), en['retry.default']);
});

test('every retryable result code has a hint of its own in every language', () => {
  for (const [lang, table] of Object.entries(STRING_TABLES)) {
    for (const code of RETRYABLE_CODES) {
      assert.notEqual(retryText(table, code), table['retry.default'], `${lang} retry.${code}`);
    }
  }
  assert.match(resolveStrings('en')['retry.REFLECTION_TOO_WEAK'], /brightness/);
  assert.match(resolveStrings('fr')['retry.REFLECTION_TOO_WEAK'], /luminosité/);
});
