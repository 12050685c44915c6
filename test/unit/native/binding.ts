/**
 * The addon under test: it must be built (`npm run build:native`; `npm ci` builds it).
 * QRUN_TEST_ADDON_ROOT names another root to load it from: test/unit/native/sanitized.test.ts runs
 * the addon's tests against the AddressSanitizer/UBSan build in build-asan/ that way.
 */
import { loadBinding, type BindingLookup, type NativeBinding } from '../../../src/native/binding.js';

/** The addon the tests use, loaded (a missing build fails the test that asks). */
export function testedBinding(): Extract<BindingLookup, { status: 'loaded' }> {
  const root = process.env.QRUN_TEST_ADDON_ROOT;
  const found = root === undefined || root === '' ? loadBinding() : loadBinding(root);
  if (found.status !== 'loaded') {
    throw new Error(`the native addon is not built (searched ${found.searched}): run \`npm run build:native\` before the tests`);
  }
  return found;
}

export function nativeBinding(): NativeBinding {
  return testedBinding().binding;
}
