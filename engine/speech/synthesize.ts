import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import ESpeakNg from "espeak-ng";

/**
 * Speech synthesis with eSpeak NG compiled to WebAssembly (npm espeak-ng 1.0.2): a real offline
 * synthesiser, robotic but intelligible, answering 16-bit mono WAV at 22,050 Hz. Each call runs the
 * CLI once in a fresh instance (the build keeps state between runs); the WebAssembly is compiled
 * once and reused, which saves most of an instance's start. The text goes in as a file, so nothing
 * in it is read as an option.
 */
let compiled: Promise<object> | undefined;

/** Node's WebAssembly global; the engine's TypeScript lib (ES2023, no DOM) does not declare it. */
const wasm = (
  globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<object>; instantiate(m: object, i: object): Promise<object> } }
).WebAssembly;

function wasmModule(): Promise<object> {
  compiled ??= (async () => {
    const path = createRequire(import.meta.url).resolve("espeak-ng/dist/espeak-ng.wasm");
    return wasm.compile(await readFile(path));
  })();
  return compiled;
}

export async function synthesize(text: string, espeakVoice: string): Promise<Buffer> {
  const module = await wasmModule();
  const quiet = () => {};
  const instance = await ESpeakNg({
    arguments: ["-w", "/out.wav", "-v", espeakVoice, "-f", "/in.txt"],
    preRun: [(m) => m.FS.writeFile("/in.txt", text)],
    print: quiet,
    printErr: quiet,
    instantiateWasm(imports, receive) {
      wasm.instantiate(module, imports).then((instance) => receive(instance, module));
      return {};
    },
  });
  return Buffer.from(instance.FS.readFile("/out.wav"));
}

/** Aura's voices are English: women's names get eSpeak's female variant, the others its male one. */
const FEMALE = new Set(
  "luna amalthea andromeda asteria athena aurora callista cora cordelia delia electra harmonia helena hera iris juno minerva ophelia pandora phoebe thalia theia vesta stella".split(
    " ",
  ),
);
/** MeloTTS's languages as eSpeak NG voices. */
const LANGUAGES: Record<string, string> = { en: "en-us", es: "es", fr: "fr", zh: "cmn", ja: "ja", ko: "ko" };

export function espeakVoiceFor(model: string, voice: string | undefined): string {
  if (model.includes("melotts")) return LANGUAGES[voice ?? "en"] ?? "en-us";
  return FEMALE.has(voice ?? (model.includes("aura-2") ? "luna" : "angus")) ? "en-us+f3" : "en-us+m3";
}
