// Writes ../../src/qbank/serve/static/codemirror/LICENSE: the licence of every package whose
// code is in the bundle (the runtime dependencies, not esbuild), with its name and version.
const fs = require("fs");
const path = require("path");
const lock = require("./package-lock.json");
const out = [
  "The CodeMirror bundle of the qbank workbench (codemirror.min.js) holds code of the",
  "packages below, each under the MIT licence whose text follows its name.",
  "Built by tools/codemirror-bundle/ in the qbank repository (see its README.md).",
  "",
];
const names = Object.keys(lock.packages)
  .filter((p) => p.startsWith("node_modules/"))
  .filter((p) => !/esbuild/.test(p))
  .sort();
for (const p of names) {
  const dir = path.join(__dirname, p);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const file = fs.readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  if (!file) throw new Error(p + ": no licence file");
  out.push("=".repeat(78), `${meta.name} ${meta.version} (${meta.license})`, "=".repeat(78), "");
  out.push(fs.readFileSync(path.join(dir, file), "utf8").trim(), "");
}
fs.writeFileSync(
  path.join(__dirname, "../../src/qbank/serve/static/codemirror/LICENSE"), out.join("\n"));
console.log("licences of " + names.length + " packages written");
