// The Vite build both pages share: index.html plus content-hashed files under <base>assets/ (the
// edge serves those as immutable and index.html as no-cache), and a dev server that proxies the
// page's API to the lab's edge (EDGE_URL, or EDGE_PORT on 127.0.0.1).
import { defineConfig, type UserConfig } from 'vite';

export function pageConfig(o: { root: string; base: string; api: string }): UserConfig {
  const edge = process.env.EDGE_URL ?? `http://127.0.0.1:${process.env.EDGE_PORT ?? '8080'}`;
  const proxy = { [o.api]: { target: edge, changeOrigin: false } };
  return defineConfig({
    root: o.root,
    base: o.base,
    build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', target: 'es2022', sourcemap: true },
    server: { proxy },
    preview: { proxy },
  });
}
