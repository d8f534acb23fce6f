import { defineConfig } from 'vite';

// Served by deskwire itself at /dashboard/ (src/http/dashboard-routes.ts): asset URLs must carry that prefix.
export default defineConfig({
  base: '/dashboard/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  logLevel: 'warn',
});
