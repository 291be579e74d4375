import { defineConfig } from 'vitest/config';

/**
 * Tests run from the TypeScript sources, never from dist/: every @hemkit package exports its sources
 * under the custom condition `@hemkit/source` (package.json), which the resolver is told to prefer.
 * The packaging tests (test/packaging) are the ones that use the built and packed JavaScript.
 */
const SOURCE = '@hemkit/source';

export default defineConfig({
  resolve: { conditions: [SOURCE, 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: [SOURCE, 'module', 'node', 'development|production'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/browser-env.ts'],
    testTimeout: 60_000,
  },
});
