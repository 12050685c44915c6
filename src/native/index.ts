/**
 * The native statevector engine's public face: engine selection (QRUN_NATIVE, binary present or
 * not), the Engine itself, and the addon's other service, Unix-socket peer credentials.
 */
export { fromNativeError, loadBinding, packageRoot, type BindingLookup, type NativeBinding, type NativeInfo } from './binding.js';
export { createNativeEngine, type NativeEngine, type NativeEngineOptions, type Precision } from './engine.js';
export { DEFAULT_FUSION, fuseGates, type FusedGate, type FusionOptions } from './fusion.js';
export { encode, type Encoded } from './lower.js';
export { selectEngine, type EngineChoice, type SelectOptions } from './select.js';
export { peerCredentials, type PeerCredentials } from './peercred.js';
