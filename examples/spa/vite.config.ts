import { defineConfig } from 'vite';

// In development, /api goes to the integrator backend example.
export default defineConfig({
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  build: { outDir: 'dist', emptyOutDir: true },
});
