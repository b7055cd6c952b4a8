// An own-property read for the wasm side in one call (`own` in src/js/mod.rs): the value of
// `target[key]` when `key` is an own property, else undefined. Throws what a getter or Proxy
// trap throws. `Reflect` is taken at load, so later changes to the global cannot redirect it.
const { getOwnPropertyDescriptor, get } = Reflect;

export function own(target, key) {
  return getOwnPropertyDescriptor(target, key) === undefined ? undefined : get(target, key);
}
