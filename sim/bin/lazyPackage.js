// A stand-in for a CommonJS package that loads the real one only when something of it is first used.
// The command line's bundle answers ioredis-mock's imports of fengari (its Lua interpreter) with it
// (see build.js): ioredis-mock takes fengari apart when it loads (`const { lua, lauxlib } = fengari`)
// but runs Lua only for scripts, which the in-process store never sends. Each part taken stands for the
// real part (its properties, or a call of it) until then. Plain JavaScript: build.js imports it too.

/** The stand-in for the module `load()` returns; `load` runs at most once, on first use. */
export function lazyPackage(load) {
  let real;
  const loaded = () => {
    real ??= load();
    return real;
  };
  const part = (name) =>
    new Proxy(function standIn() {}, {
      get: (_, key) => loaded()[name][key],
      apply: (_, self, args) => loaded()[name].apply(self, args),
    });
  const parts = new Map();
  return new Proxy(
    {},
    {
      get(_, name) {
        // Asked by the bundler's module interop, which must not load anything.
        if (name === "__esModule" || typeof name === "symbol") return undefined;
        if (real !== undefined) return real[name];
        if (!parts.has(name)) parts.set(name, part(name));
        return parts.get(name);
      },
    },
  );
}
