// Vite builds the storefront into services/storefront/dist: index.html plus content-hashed
// files under /assets/ (the edge serves those as immutable and index.html as no-cache).
// `npm run storefront:dev` serves it with /api proxied to the lab's edge.
import { defineConfig } from 'vite';

const edge = process.env.EDGE_URL ?? `http://127.0.0.1:${process.env.EDGE_PORT ?? '8080'}`;

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
  },
  server: { proxy: { '/api': { target: edge, changeOrigin: false } } },
  preview: { proxy: { '/api': { target: edge, changeOrigin: false } } },
});
