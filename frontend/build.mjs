// Build the card into one minified ES module with Lit bundled in.
//
//   node build.mjs           write custom_components/bithuman/frontend/bithuman-avatar-card.js
//   node build.mjs --verify  build in memory and check the committed bundle is that build,
//                            small enough, loads nothing from elsewhere, and that the
//                            integration's translations carry every card string
import { build } from "esbuild";
import { readFile, writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";

const root = new URL("./", import.meta.url);
const bundle = new URL("../custom_components/bithuman/frontend/bithuman-avatar-card.js", root);
const translations = new URL("../custom_components/bithuman/translations/en.json", root);
const strings = new URL("src/strings.en.json", root);
const MAX_BYTES = 60 * 1000;

async function compile() {
  const result = await build({
    absWorkingDir: root.pathname,
    entryPoints: ["src/index.ts"],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2021",
    legalComments: "eof",
    write: false,
    logLevel: "warning",
  });
  return Buffer.from(result.outputFiles[0].contents);
}

/** Problems with the card strings in the integration's translations, if any. */
async function translationProblems() {
  const english = JSON.parse(await readFile(strings, "utf8"));
  const shipped = JSON.parse(await readFile(translations, "utf8"))?.selector?.card?.options;
  if (!shipped) {
    return ["translations/en.json has no selector.card.options yet"];
  }
  const missing = Object.keys(english).filter((key) => !(key in shipped));
  const extra = Object.keys(shipped).filter((key) => !(key in english));
  return [
    ...missing.map((key) => `missing in translations/en.json: ${key}`),
    ...extra.map((key) => `not used by the card: ${key}`),
  ];
}

async function verify() {
  const first = await compile();
  const second = await compile();
  const committed = await readFile(bundle).catch(() => Buffer.alloc(0));
  const failures = [];
  if (!first.equals(second)) {
    failures.push("two builds differ: the build is not reproducible");
  }
  if (!first.equals(committed)) {
    failures.push("the committed bundle is not a fresh build: run `npm run build`");
  }
  if (first.length > MAX_BYTES) {
    failures.push(`the bundle is ${first.length} bytes, over ${MAX_BYTES}`);
  }
  const urls = first.toString("utf8").match(/(?:https?:|wss?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/gi);
  if (urls) {
    failures.push(`the bundle names other sites: ${[...new Set(urls)].join(", ")}`);
  }
  failures.push(...(await translationProblems()));
  const gzip = gzipSync(first, { level: 9 }).length;
  console.log(`bundle: ${first.length} bytes minified, ${gzip} bytes gzip`);
  for (const failure of failures) {
    console.error(`FAIL: ${failure}`);
  }
  process.exitCode = failures.length ? 1 : 0;
}

if (process.argv.includes("--verify")) {
  await verify();
} else {
  const output = await compile();
  await writeFile(bundle, output);
  console.log(`wrote ${bundle.pathname} (${output.length} bytes)`);
}
