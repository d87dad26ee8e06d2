// `base: './'`: the built page works from any sub-path (the test serves it
// under /shop/checkout/), which also proves the .wasm URL is relative.
export default { base: './', build: { outDir: 'dist', emptyOutDir: true } };
