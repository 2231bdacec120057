// Starts the real system (`mes up`: embedded PostgreSQL, all services, the built UI) on a free
// port with a fresh data directory, seeds the demo plant with `mes demo` and what the tests need
// beyond it (seed.ts) through the public API, and stops it afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ADMIN, seed } from "./seed";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(web, "..");

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

async function waitReady(url: string, proc: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`mes up exited with ${proc.exitCode}; see ${log}`);
    try {
      const r = await fetch(`${url}/ready`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`mes up did not become ready in 180 s; see ${log}`);
}

/** `mes demo` against the `mes up` just started, as the administrator global setup created. */
function demo(mes: string, url: string, out: NodeJS.WritableStream, log: string): Promise<void> {
  return new Promise((ok, fail) => {
    const proc = spawn(mes, ["demo", "--base-url", url, "--username", ADMIN.username, "--password", ADMIN.password], {
      cwd: repo,
      env: { ...process.env, MES_LOG_LEVEL: "WARNING" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stdout?.pipe(out, { end: false });
    proc.stderr?.pipe(out, { end: false });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 300_000);
    proc.once("error", fail);
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) ok();
      else fail(new Error(`mes demo failed (${signal ?? code}); see ${log}`));
    });
  });
}

function stop(proc: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (proc.exitCode !== null) return done();
    const kill = setTimeout(() => proc.kill("SIGKILL"), 60_000);
    proc.once("exit", () => {
      clearTimeout(kill);
      done();
    });
    // Ctrl-C: mes up stops the services, then PostgreSQL
    proc.kill("SIGINT");
  });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const ui = join(web, "dist", "index.html");
  if (!existsSync(ui)) throw new Error(`no UI build at ${ui}: run \`npm run build\` in web/ first`);
  const mes = process.env.MES_BIN ?? join(repo, ".venv", "bin", "mes");
  if (!existsSync(mes)) throw new Error(`no ${mes}: run \`make setup\` first (or set MES_BIN)`);

  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "mes-e2e-"));
  mkdirSync(join(web, "test-results"), { recursive: true });
  const log = join(web, "test-results", "mes-up.log");
  const out = createWriteStream(log);
  const proc = spawn(mes, ["up", "--port", String(port), "--data-dir", dataDir], {
    cwd: repo,
    env: {
      ...process.env,
      MES_ADMIN_USERNAME: ADMIN.username,
      MES_ADMIN_PASSWORD: ADMIN.password,
      MES_UI_DIR: join(web, "dist"),
      MES_LOG_LEVEL: "WARNING",
      // short-lived access tokens, so that the silent refresh happens during the tests
      MES_AUTH_ACCESS_TTL_S: "30",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.pipe(out, { end: false });
  proc.stderr?.pipe(out, { end: false });

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, proc, log);
    await demo(mes, url, out, log);
    await seed(url);
  } catch (e) {
    await stop(proc);
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  // the tests read it (workers inherit the environment of this process)
  process.env.MES_E2E_URL = url;

  return async () => {
    await stop(proc);
    out.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
