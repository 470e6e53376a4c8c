/** eSpeak NG compiled with Emscripten (npm espeak-ng 1.0.2): a factory that runs the CLI once with `arguments`. */
declare module "espeak-ng" {
  interface ESpeakModule {
    FS: { readFile(path: string): Uint8Array; writeFile(path: string, data: string | Uint8Array): void };
  }
  interface ESpeakOptions {
    arguments: string[];
    preRun?: ((module: ESpeakModule) => void)[];
    print?: (line: string) => void;
    printErr?: (line: string) => void;
    /** Emscripten's hook: compile or instantiate the WebAssembly yourself (engine lib has no WebAssembly types: objects). */
    instantiateWasm?: (imports: object, receive: (instance: object, module: object) => void) => Record<string, never>;
  }
  const ESpeakNg: (options: ESpeakOptions) => Promise<ESpeakModule>;
  export default ESpeakNg;
}
