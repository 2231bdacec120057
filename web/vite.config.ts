/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

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

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true, proxy: proxy() },
  preview: { port: 4173, proxy: proxy() },
  build: { outDir: "dist", sourcemap: true, chunkSizeWarningLimit: 1500 },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
