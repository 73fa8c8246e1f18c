// Bundles the browser SDK from tsc's output (packages/web/dist, built by `tsc -b`
// first): an ESM file for bundlers and a minified script-tag file exposing
// window.Facelight. @facelight/protocol and zod are bundled in; MediaPipe is
// not: the SDK imports it at run time from the verifier's assets.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// Relative to this file, so the build works from the root and from packages/web.
const web = fileURLToPath(new URL('packages/web', import.meta.url));

/**
 * Writes `<file>.sri`: the Subresource Integrity value (`sha384-…`, nothing
 * else) of the file as it lies on disk, read back after rollup wrote it, so
 * it is the hash of exactly the minified bytes a browser will fetch.
 */
function subresourceIntegrity() {
  return {
    name: 'subresource-integrity',
    async writeBundle({ file }) {
      const digest = createHash('sha384').update(await readFile(file)).digest('base64');
      await writeFile(`${file}.sri`, `sha384-${digest}`);
    },
  };
}

export default {
  input: `${web}/dist/index.js`,
  plugins: [nodeResolve({ browser: true })],
  onwarn(warning, warn) {
    // zod's own comment placement and internal cycles: harmless, and not ours to fix.
    const inZod = [warning.id, ...(warning.ids ?? [])].some((id) => id?.includes('/node_modules/zod/'));
    if (!inZod) warn(warning);
  },
  output: [
    { file: `${web}/dist/facelight.esm.js`, format: 'es' },
    {
      file: `${web}/dist/facelight.js`,
      format: 'iife',
      name: 'Facelight',
      plugins: [terser({ format: { comments: false } }), subresourceIntegrity()],
    },
  ],
};
