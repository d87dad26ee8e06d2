// `base: './'`: the built page works from any sub-path (the test serves it
// under /shop/checkout/), which also proves the .wasm URL is relative.
// `optimizeDeps.exclude`: the dev server's pre-bundling would move the
// module away from its .wasm (the README says so); `vite build` needs nothing.
export default {
  base: './',
  optimizeDeps: { exclude: ['razorpay-checkout-wasm'] },
  build: { outDir: 'dist', emptyOutDir: true },
};
