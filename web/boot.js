// Starts the console: loads the wasm-bindgen glue and the WebAssembly that Trunk names
// on this script's tag (Trunk.toml's pattern_script). A file rather than Trunk's inline
// loader, so the Content-Security-Policy needs no 'unsafe-inline' for scripts.
const tag = document.querySelector('script[data-banji-wasm]');
const { default: init } = await import(tag.dataset.banjiJs);
await init({ module_or_path: tag.dataset.banjiWasm });
