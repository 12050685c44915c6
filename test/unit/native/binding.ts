/** The addon under test: it must be built (`npm run build:native`; `npm ci` builds it). */
import { loadBinding, type NativeBinding } from '../../../src/native/binding.js';

export function nativeBinding(): NativeBinding {
  const found = loadBinding();
  if (found.status !== 'loaded') {
    throw new Error('the native addon is not built: run `npm run build:native` before the tests');
  }
  return found.binding;
}
