// Vite builds the lab console's UI into services/console/ui/dist: index.html plus content-hashed
// files under /lab/assets/ (the edge serves them at /lab/). `npm run console:dev` serves it with
// /lab/api proxied to the lab's edge, which forwards it to the console backend.
import { defineConfig } from 'vite';

const edge = process.env.EDGE_URL ?? `http://127.0.0.1:${process.env.EDGE_PORT ?? '8080'}`;

export default defineConfig({
  root: import.meta.dirname,
  base: '/lab/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
  },
  server: { proxy: { '/lab/api': { target: edge, changeOrigin: false } } },
  preview: { proxy: { '/lab/api': { target: edge, changeOrigin: false } } },
});
