/// <reference types="vitest/config" />
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { VitePWA } from "vite-plugin-pwa";

// The service map of DESIGN.md: each /api/v1/<prefix> is proxied to its service's own port
// (`mes serve <service>`). MES_API_URL=http://127.0.0.1:8080 sends everything to one `mes up`.
const SERVICES: Record<string, number> = {
  auth: 3008,
  workorders: 3009,
  quality: 3010,
  material: 3011,
  traceability: 3012,
  resource: 3013,
  reporting: 3014,
  integration: 3015,
};

function proxy(): Record<string, { target: string; changeOrigin: boolean }> {
  const single = process.env.MES_API_URL;
  if (single) return { "/api/v1": { target: single, changeOrigin: true } };
  return Object.fromEntries(
    Object.entries(SERVICES).map(([prefix, port]) => [
      `/api/v1/${prefix}`,
      { target: `http://127.0.0.1:${port}`, changeOrigin: true },
    ]),
  );
}

// Text files of the build, pre-compressed next to themselves (app.js.br, app.js.gz): `mes up` and
// nginx (gzip_static / brotli_static) send them to a browser that accepts the encoding (ADR 22).
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|webmanifest)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "mes-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      for (const path of files(outDir)) {
        if (!COMPRESSIBLE.test(path)) continue;
        const data = readFileSync(path);
        if (data.length < 1024) continue; // not worth a second request's header
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

// The station loads offline (docs/adr/0027-offline-station.md): the service worker keeps the built
// UI, answers every page with index.html, and keeps the last answer of what the station reads
// (orders, dispatch list, units, lots, machine state) for when the network is gone. Commands are
// never cached or replayed by it: the station's own queue sends them, each with its key.
export default defineConfig({
  plugins: [
    react(),
    precompress(),
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: "script",
      manifest: false,
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg,png,woff2}"],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api\//, /^\/(health|ready|metrics)/],
        clientsClaim: true,
        skipWaiting: true,
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            // (the function is copied into the service worker: it may use nothing from this file)
            urlPattern: ({ url, request }) =>
              request.method === "GET" &&
              url.origin === self.location.origin &&
              /^\/api\/v1\/(workorders\/(orders|dispatch|work-centers)|material\/(units|consumptions|lots|items)|resource\/(equipment|sites))(\/|$)/.test(
                url.pathname,
              ),
            handler: "NetworkFirst",
            method: "GET",
            options: {
              cacheName: "station-reads",
              networkTimeoutSeconds: 5,
              expiration: { maxEntries: 300, maxAgeSeconds: 24 * 3600 },
              cacheableResponse: { statuses: [200] },
            },
          },
        ],
      },
    }),
  ],
  server: { port: 5173, strictPort: true, proxy: proxy() },
  preview: { port: 4173, proxy: proxy() },
  // no source maps in the build: the served UI doesn't publish its sources
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 1500 },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
