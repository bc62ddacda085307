// The part of the `reflect-metadata` API that @peculiar/x509's dependency injection (tsyringe) calls at
// load time. The package is not in package.json; this keeps the pure-JS baseline to the npm files we have.
(() => {
  if (typeof Reflect.getMetadata === "function") return;
  const store = new WeakMap();
  const table = (target, key, create) => {
    let byKey = store.get(target);
    if (!byKey && create) store.set(target, (byKey = new Map()));
    let entries = byKey && byKey.get(key);
    if (!entries && create) byKey.set(key, (entries = new Map()));
    return entries;
  };
  const getOwn = (name, target, key) => table(target, key, false)?.get(name);
  const get = (name, target, key) => {
    for (let object = target; object; object = Object.getPrototypeOf(object)) {
      const found = table(object, key, false);
      if (found && found.has(name)) return found.get(name);
    }
    return undefined;
  };
  Object.assign(Reflect, {
    defineMetadata: (name, value, target, key) => table(target, key, true).set(name, value),
    getOwnMetadata: getOwn,
    getMetadata: get,
    hasOwnMetadata: (name, target, key) => Boolean(table(target, key, false)?.has(name)),
    hasMetadata: (name, target, key) => get(name, target, key) !== undefined,
    metadata: (name, value) => (target, key) => table(target, key, true).set(name, value),
  });
})();
