import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { detectFormat } from './format.js';
import { FACES, readData } from './test-support.js';

describe('detectFormat', () => {
  it('recognises the real PNG, JPEG, JP2 and J2K files by their bytes', () => {
    assert.equal(detectFormat(readData(FACES.alphaPng)), 'png');
    assert.equal(detectFormat(readData(FACES.jpeg1080)), 'jpeg');
    assert.equal(detectFormat(readData(FACES.jp2)), 'jp2');
    assert.equal(detectFormat(readData(FACES.j2k)), 'j2k');
  });

  it('returns null for other formats and for text', () => {
    const others = {
      gif: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
      svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
      svgWithBom: Buffer.from('\ufeff<?xml version="1.0"?><svg/>'),
      webp: Buffer.from('RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00', 'latin1'),
      tiff: Buffer.from('II*\x00\x08\x00\x00\x00', 'latin1'),
      text: Buffer.from('hello, this is not an image'),
      base64Jpeg: Buffer.from(readData(FACES.jpeg240).toString('base64')),
      empty: Buffer.alloc(0),
    };
    for (const [name, bytes] of Object.entries(others)) assert.equal(detectFormat(bytes), null, name);
  });

  it('needs the whole signature, not a prefix of it', () => {
    assert.equal(detectFormat(readData(FACES.alphaPng).subarray(0, 7)), null);
    assert.equal(detectFormat(Buffer.from([0xff, 0xd8])), null);
    assert.equal(detectFormat(readData(FACES.jp2).subarray(0, 11)), null);
    assert.equal(detectFormat(Buffer.from([0xff, 0x4f, 0xff])), null);
    // A JPEG 2000 codestream must start with SOC then SIZ; SOC alone is not enough.
    assert.equal(detectFormat(Buffer.from([0xff, 0x4f, 0xff, 0x52])), null);
  });
});
