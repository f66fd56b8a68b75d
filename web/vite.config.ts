/**
 * The portal's build: a static site (index.html, hashed JS and CSS, config.json) that any web
 * server can host. Public pages are split from the wallet's code (wagmi, signing), which loads
 * only on the wallet pages; `build.manifest` lets web/scripts/report.ts measure each page.
 */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    target: "es2022",
    sourcemap: false,
  },
  server: { host: "127.0.0.1" },
});
