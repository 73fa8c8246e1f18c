import { ascii, u16, u32, u8 } from '../bytes.js';
import { corrupt } from '../errors.js';

export interface Jpeg2000Component {
  precision: number;
  signed: boolean;
  /** Subsampling on the reference grid; 1 means full resolution. */
  dx: number;
  dy: number;
}

/** What the codestream's SIZ marker declares, i.e. what a decoder will allocate. */
export interface Jpeg2000Header {
  width: number;
  height: number;
  tiles: number;
  components: Jpeg2000Component[];
}

const SOC = 0xff4f;
const SIZ = 0xff51;

/**
 * Reads the JPEG 2000 header of a raw codestream (.j2k) or of a JP2 file,
 * without decoding. In a JP2 file both the `ihdr` box and the codestream's
 * SIZ give the size; the decoder trusts SIZ, so a file whose `ihdr` claims
 * something else is refused rather than believed.
 */
export function readJpeg2000Header(buf: Uint8Array): Jpeg2000Header {
  if (buf[0] === 0xff) return readSiz(buf, 0);
  const { ihdr, codestreamStart } = findJp2Boxes(buf);
  const siz = readSiz(buf, codestreamStart);
  if (ihdr.width !== siz.width || ihdr.height !== siz.height) {
    throw corrupt(
      `The JP2 header box says ${ihdr.width}x${ihdr.height} but its codestream says ${siz.width}x${siz.height}.`,
    );
  }
  return siz;
}

interface Box {
  type: string;
  contentStart: number;
  end: number;
}

function readBox(buf: Uint8Array, offset: number): Box {
  const length = u32(buf, offset, 'JP2 box header');
  const type = ascii(buf, offset + 4, 4, 'JP2 box header');
  let contentStart = offset + 8;
  let end: number;
  if (length === 0) {
    end = buf.length; // "extends to the end of the file"
  } else if (length === 1) {
    // 64-bit length; anything past 2^32 cannot fit in an accepted upload anyway.
    const high = u32(buf, offset + 8, 'JP2 box header');
    end = offset + high * 0x100000000 + u32(buf, offset + 12, 'JP2 box header');
    contentStart = offset + 16;
  } else {
    end = offset + length;
  }
  if (end < contentStart) throw corrupt(`The JP2 box at byte ${offset} has an impossible length.`);
  if (end > buf.length) {
    throw corrupt(
      `The JP2 box at byte ${offset} ends at byte ${end} but the file has ${buf.length} bytes (truncated?).`,
    );
  }
  return { type, contentStart, end };
}

function findJp2Boxes(buf: Uint8Array): { ihdr: { width: number; height: number }; codestreamStart: number } {
  const signature = readBox(buf, 0);
  if (signature.type !== 'jP  ') throw corrupt('The file does not start with a JP2 signature box.');
  let ihdr: { width: number; height: number } | undefined;
  for (let offset = signature.end; offset < buf.length; ) {
    const box = readBox(buf, offset);
    if (box.type === 'jp2h') {
      ihdr = readIhdr(buf, box);
    } else if (box.type === 'jp2c') {
      if (!ihdr) throw corrupt('The JP2 codestream box comes before any JP2 header box.');
      return { ihdr, codestreamStart: box.contentStart };
    }
    offset = box.end;
  }
  throw corrupt('The JP2 file has no codestream box.');
}

function readIhdr(buf: Uint8Array, jp2h: Box): { width: number; height: number } {
  // The image header box must be the first box inside the JP2 header box.
  const ihdr = readBox(buf, jp2h.contentStart);
  if (ihdr.type !== 'ihdr' || ihdr.end > jp2h.end || ihdr.end - ihdr.contentStart < 14) {
    throw corrupt('The JP2 header box does not start with a valid image header (ihdr) box.');
  }
  const height = u32(buf, ihdr.contentStart, 'JP2 image header');
  const width = u32(buf, ihdr.contentStart + 4, 'JP2 image header');
  return { width, height };
}

function readSiz(buf: Uint8Array, start: number): Jpeg2000Header {
  const what = 'JPEG 2000 SIZ marker';
  if (u16(buf, start, what) !== SOC || u16(buf, start + 2, what) !== SIZ) {
    throw corrupt('The JPEG 2000 codestream does not start with SOC followed by SIZ.');
  }
  const p = start + 4; // Lsiz: the segment length, counting itself
  const length = u16(buf, p, what);
  const [xsiz, ysiz, xosiz, yosiz, xtsiz, ytsiz, xtosiz, ytosiz] = Array.from({ length: 8 }, (_, i) =>
    u32(buf, p + 4 + 4 * i, what),
  ) as [number, number, number, number, number, number, number, number];
  const count = u16(buf, p + 36, what);
  // Checking the segment's internal consistency first means random bytes behind
  // a valid signature read as corrupt, not as some arbitrary huge size.
  if (count === 0 || length !== 38 + 3 * count) {
    throw corrupt(`The JPEG 2000 SIZ marker is inconsistent (length ${length} for ${count} components).`);
  }
  if (xosiz >= xsiz || yosiz >= ysiz) throw corrupt('The JPEG 2000 SIZ marker declares an empty image area.');
  if (xtsiz === 0 || ytsiz === 0 || xtosiz > xosiz || ytosiz > yosiz || xtosiz + xtsiz <= xosiz || ytosiz + ytsiz <= yosiz) {
    throw corrupt('The JPEG 2000 SIZ marker declares an invalid tiling.');
  }
  const components: Jpeg2000Component[] = [];
  for (let i = 0; i < count; i++) {
    const ssiz = u8(buf, p + 38 + 3 * i, what);
    const dx = u8(buf, p + 39 + 3 * i, what);
    const dy = u8(buf, p + 40 + 3 * i, what);
    const precision = (ssiz & 0x7f) + 1;
    if (dx === 0 || dy === 0 || precision > 38) {
      throw corrupt(`The JPEG 2000 SIZ marker declares an invalid component ${i}.`);
    }
    components.push({ precision, signed: (ssiz & 0x80) !== 0, dx, dy });
  }
  const tiles = Math.ceil((xsiz - xtosiz) / xtsiz) * Math.ceil((ysiz - ytosiz) / ytsiz);
  return { width: xsiz - xosiz, height: ysiz - yosiz, tiles, components };
}
