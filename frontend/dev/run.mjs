// Render the built card in headless Chromium against a stub `hass`.
//
//   node dev/run.mjs                 run dev/test.html (behaviour checks), exit 1 on a failure
//   node dev/run.mjs --shots DIR     also take light and dark screenshots of dev/index.html
//
// Serves the repository on 127.0.0.1 (module scripts do not load from file://).
// Chromium: $CHROMIUM or /usr/bin/chromium.
import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, resolve, sep } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const repo = resolve(new URL("../..", import.meta.url).pathname);
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
  "--force-device-scale-factor=1",
];

const server = createServer(async (req, res) => {
  const path = resolve(repo, "." + decodeURIComponent(new URL(req.url, "http://x").pathname));
  const info = path.startsWith(repo + sep) ? await stat(path).catch(() => null) : null;
  if (!info?.isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
  createReadStream(path).pipe(res);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}/frontend/dev/`;

async function chrome(args) {
  const profile = `/tmp/bithuman-card-chromium-${process.pid}`;
  try {
    const { stdout } = await run(chromium, [...FLAGS, `--user-data-dir=${profile}`, ...args], {
      maxBuffer: 16 * 1024 * 1024,
      timeout: 120_000,
    });
    return stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

try {
  // Virtual time lets the 1-minute session limit pass in an instant.
  const dom = await chrome(["--virtual-time-budget=400000", "--dump-dom", base + "test.html"]);
  const report =
    dom.match(/<pre id="report">([\s\S]*?)<\/pre>/)?.[1] ?? "no report: the page did not run";
  const text = report.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  console.log(text);
  process.exitCode = /^ALL \d+ CHECKS PASSED$/m.test(text) ? 0 : 1;

  const at = process.argv.indexOf("--shots");
  if (at > 0) {
    const dir = resolve(process.argv[at + 1] ?? "dev/shots");
    for (const theme of ["light", "dark"]) {
      const file = `${dir}/card-${theme}.png`;
      await chrome([
        "--window-size=1280,1900",
        "--virtual-time-budget=5000",
        `--screenshot=${file}`,
        `${base}index.html?theme=${theme}`,
      ]);
      console.log(`screenshot: ${file}`);
    }
  }
} finally {
  server.close();
}
