// webpack 5 with no loader and no plugin: `new URL('…_bg.wasm', import.meta.url)`
// in the package becomes an emitted asset. `publicPath: 'auto'` finds it
// relative to the running script, so dist/ works from any sub-path.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  context: fileURLToPath(new URL('.', import.meta.url)),
  entry: './src/index.js',
  output: {
    path: fileURLToPath(new URL('./dist', import.meta.url)),
    filename: 'main.js',
    assetModuleFilename: 'assets/[name].[contenthash:8][ext]',
    publicPath: 'auto',
    clean: true,
  },
  performance: { hints: false },
};
