// Bundles the browser SDK from tsc's output (packages/web/dist, built by `tsc -b`
// first): an ESM file for bundlers and a minified script-tag file exposing
// window.Facelight. @facelight/protocol and zod are bundled in; MediaPipe is
// not: the SDK imports it at run time from the verifier's assets.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { fileURLToPath } from 'node:url';

// Relative to this file, so the build works from the root and from packages/web.
const web = fileURLToPath(new URL('packages/web', import.meta.url));

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
      plugins: [terser({ format: { comments: false } })],
    },
  ],
};
