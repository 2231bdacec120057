/// <reference types="vitest/config" />
import { defineConfig } from "vite";
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

// The station loads offline (docs/adr/0027-offline-station.md): the service worker keeps the built
// UI, answers every page with index.html, and keeps the last answer of what the station reads
// (orders, dispatch list, units, lots, machine state) for when the network is gone. Commands are
// never cached or replayed by it: the station's own queue sends them, each with its key.
export default defineConfig({
  plugins: [
    react(),
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
  build: { outDir: "dist", sourcemap: true, chunkSizeWarningLimit: 1500 },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
