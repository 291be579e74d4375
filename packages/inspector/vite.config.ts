/**
 * The inspector page's build: one self-contained `dist/page/index.html`, script and styles inline,
 * so that it works opened from disk (a file:// page may not load module scripts) and served alike.
 * The @hemkit packages are bundled from their sources (the `@hemkit/source` condition); the project's
 * test vectors are built into the page as a compact list (vectors-plugin.ts).
 */
import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';
import { vectorsPlugin } from './scripts/vectors-plugin.js';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Inlines the one script chunk and the stylesheet into the HTML, as a classic script at the end of the body. */
function singleFile(): Plugin {
  return {
    name: 'hemkit-single-file',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find((f) => f.type === 'asset' && f.fileName.endsWith('.html'));
      if (html === undefined || html.type !== 'asset') throw new Error('no index.html in the bundle');
      let text = String(html.source);
      for (const file of Object.values(bundle)) {
        if (file.type === 'chunk') {
          text = text.replace(new RegExp(`<script[^>]*src="[^"]*${escapeRegExp(file.fileName)}"[^>]*></script>\\s*`), '');
          text = text.replace('</body>', () => `<script>${file.code.replace(/<\/script/gi, '<\\/script')}</script>\n</body>`);
          delete bundle[file.fileName];
        } else if (file.fileName.endsWith('.css')) {
          text = text.replace(new RegExp(`<link[^>]*href="[^"]*${escapeRegExp(file.fileName)}"[^>]*>`), () => `<style>${String(file.source)}</style>`);
          delete bundle[file.fileName];
        }
      }
      html.source = text;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  logLevel: 'warn',
  resolve: { conditions: ['@hemkit/source', 'module', 'browser', 'development|production'] },
  plugins: [vectorsPlugin(fileURLToPath(new URL('../../test-vectors', import.meta.url))), singleFile()],
  build: {
    outDir: fileURLToPath(new URL('./dist/page', import.meta.url)),
    emptyOutDir: true,
    modulePreload: false,
    assetsInlineLimit: 1 << 20,
    cssCodeSplit: false,
    reportCompressedSize: false,
    target: 'es2022',
    rolldownOptions: { output: { format: 'iife', codeSplitting: false } },
  },
});
